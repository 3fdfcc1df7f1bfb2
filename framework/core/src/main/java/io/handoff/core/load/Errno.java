package io.handoff.core.load;

import java.util.Map;

/**
 * The Linux errno values the kexec syscalls return (same numbers on x86_64, s390x and ia64).
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Package not installed. */
    public static final int ENOPKG = 65;
    /** Not a data message. */
    public static final int EBADMSG = 74;
    /** Accessing a corrupted shared library. */
    public static final int ELIBBAD = 80;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Required key not available. */
    public static final int ENOKEY = 126;
    /** Key was rejected by service. */
    public static final int EKEYREJECTED = 129;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ENOEXEC, "ENOEXEC"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EFAULT, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(ENOSYS, "ENOSYS"), Map.entry(ENOPKG, "ENOPKG"),
            Map.entry(EBADMSG, "EBADMSG"), Map.entry(ELIBBAD, "ELIBBAD"), Map.entry(EMSGSIZE, "EMSGSIZE"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"), Map.entry(ENOKEY, "ENOKEY"),
            Map.entry(EKEYREJECTED, "EKEYREJECTED"));

    private Errno() {
    }

    /** Return the symbolic name of an errno value, or {@code errno N} for one not listed here. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
