package io.handoff.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The launcher's logging configuration, in code: diagnostics on stderr at {@code -Dhandoff.log.level} (default
 * WARN), PF4J at {@code -Dhandoff.log.pf4j} (default OFF).
 *
 * <p>Found by logback through {@code META-INF/services}, before it would look for an XML file: a {@code logback.xml}
 * costs every invocation an XML parser and about a hundred classes. Stdout stays the command's output (plan.txt,
 * the JSON manifest). PF4J logs a broken plugin with its stack trace; handoff reports every plugin problem itself,
 * once, on one line ({@link HandoffRuntime}), so PF4J is quiet unless asked.
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        Line layout = new Line();
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        encoder.start();
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("handoff.log.level"), Level.WARN));
        root.addAppender(stderr);
        context.getLogger("org.pf4j").setLevel(Level.toLevel(System.getProperty("handoff.log.pf4j"), Level.OFF));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code HH:mm:ss.SSS LEVEL Logger: message}, then the stack trace of an attached throwable. */
    static final class Line extends LayoutBase<ILoggingEvent> {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

        @Override
        public String doLayout(ILoggingEvent event) {
            String logger = event.getLoggerName();
            StringBuilder line = new StringBuilder(128)
                    .append(TIME.format(LocalTime.ofInstant(event.getInstant(), java.time.ZoneId.systemDefault())))
                    .append(' ').append(String.format("%-5s", event.getLevel()))
                    .append(' ').append(logger.substring(logger.lastIndexOf('.') + 1))
                    .append(": ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
            }
            return line.toString();
        }
    }
}
