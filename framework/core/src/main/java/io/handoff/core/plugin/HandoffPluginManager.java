package io.handoff.core.plugin;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginRepository;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's {@link DefaultPluginManager} restricted to jar plugins with a manifest descriptor, in deployment
 * mode, whose extensions are created by Guice.
 *
 * <p>It keeps the injectors the {@link GuiceExtensionFactory} routes to: the root for classpath
 * extensions, one child per started plugin, dropped as soon as the plugin leaves the started state.
 */
final class HandoffPluginManager extends DefaultPluginManager {
    private final Map<String, Injector> children = new ConcurrentHashMap<>();
    private final Injector root;

    HandoffPluginManager(Path pluginsDir, Injector root) {
        super(pluginsDir);
        this.root = root;
        // a plugin with unmet dependencies is unloaded (and reported), the others still load
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
        addPluginStateListener(event -> {
            if (!event.getPluginState().isStarted()) {
                children.remove(event.getPlugin().getPluginId());
            }
        });
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT; // never development mode, whatever pf4j.mode says
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new JarPluginRepository(getPluginsRoots());
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestPluginDescriptorFinder();
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this);
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        return new GuiceExtensionFactory(this); // runs inside super(): only keep the reference
    }

    List<Path> pluginPaths() {
        return pluginRepository.getPluginPaths();
    }

    PluginWrapper load(Path pluginPath) {
        return loadPluginFromPath(pluginPath);
    }

    void resolve() {
        resolvePlugins();
    }

    void child(String pluginId, Injector injector) {
        children.put(pluginId, injector);
    }

    void removeChild(String pluginId) {
        children.remove(pluginId);
    }

    void clearChildren() {
        children.clear();
    }

    Injector injectorFor(Class<?> extensionClass) {
        PluginWrapper plugin = whichPlugin(extensionClass);
        if (plugin == null) {
            if (root == null) {
                throw new PluginRuntimeException("No injector yet for extension '{}'", extensionClass.getName());
            }
            return root; // an extension of the application's own classpath
        }
        Injector child = children.get(plugin.getPluginId());
        if (child == null) {
            throw new PluginRuntimeException("Plugin '{}' is not wired; extension '{}' cannot be created",
                    plugin.getPluginId(), extensionClass.getName());
        }
        return child;
    }
}
