package dev.polymath.core.safetensors;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Read-only file mappings owned by a shared {@code java.lang.foreign.Arena} when the running JDK has the
 * final foreign-memory API (22+), so that they can be unmapped deterministically; reached by reflection
 * because the project compiles for Java 21, where that API is a preview. On JDK 21 {@link #newArena()}
 * returns null and callers map as before (released by the garbage collector).
 */
final class Mappings {
    private static final Method OF_SHARED, MAP, AS_BYTE_BUFFER;

    static {
        Method ofShared = null, map = null, asBuf = null;
        try {
            if (Runtime.version().feature() >= 22) {
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                ofShared = arena.getMethod("ofShared");
                map = FileChannel.class.getMethod("map", FileChannel.MapMode.class, long.class, long.class, arena);
                asBuf = segment.getMethod("asByteBuffer");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            ofShared = null;
        }
        OF_SHARED = ofShared;
        MAP = map;
        AS_BYTE_BUFFER = asBuf;
    }

    private Mappings() {}

    /** A new shared arena, or null when the JDK has none. */
    static AutoCloseable newArena() {
        if (OF_SHARED == null) return null;
        try {
            return (AutoCloseable) OF_SHARED.invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Maps {@code [pos, pos + len)} of {@code ch} read-only into {@code arena}; a direct buffer view of it. */
    static ByteBuffer map(FileChannel ch, long pos, long len, AutoCloseable arena) throws java.io.IOException {
        try {
            Object seg = MAP.invoke(ch, FileChannel.MapMode.READ_ONLY, pos, len, arena);
            return (ByteBuffer) AS_BYTE_BUFFER.invoke(seg);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof java.io.IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
