package io.handoff.core.plugin;

import com.google.inject.Injector;
import org.pf4j.ExtensionFactory;

/**
 * A PF4J {@link ExtensionFactory} that creates each extension with the child injector of the plugin it belongs to.
 *
 * <p>PF4J calls {@code createExtensionFactory()} from its constructor, before the manager's own fields
 * exist, so the injectors are looked up on every {@link #create} call, never captured here. The thread
 * context class loader is the plugin's during creation, for libraries that use {@code ServiceLoader}.
 */
final class GuiceExtensionFactory implements ExtensionFactory {
    private final HandoffPluginManager manager;

    GuiceExtensionFactory(HandoffPluginManager manager) {
        this.manager = manager;
    }

    @Override
    public <T> T create(Class<T> extensionClass) {
        Injector injector = manager.injectorFor(extensionClass);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(extensionClass.getClassLoader());
        try {
            return injector.getInstance(extensionClass);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
