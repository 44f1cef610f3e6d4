package meridian.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * The JVM every benchmark here forks: one fork, the parallel collector and a fixed 1 GB heap, so that the
 * figures of different benchmarks compare. Declared once: JMH reads class annotations from superclasses,
 * and a benchmark may still override any of them on its own class.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public abstract class FixedHeapBenchmark {}
