/**
 * Port accounting: the kernel's view of local ephemeral ports, per destination.
 *
 * <p>{@link io.mooring.pool.ports.PortMonitor} scans {@code /proc/net/tcp} and {@code
 * /proc/net/tcp6} on a schedule and reports, for sockets whose local port lies in the ephemeral
 * range ({@link io.mooring.pool.ports.EphemeralPortRange}), the counts per {@link
 * io.mooring.pool.ports.PortState} and per remote endpoint, for every client in the network
 * namespace, Mooring's or not. It warns before a destination runs out of ports, answers the pool's
 * back-pressure question ({@link io.mooring.pool.ports.PortMonitor#overHighWater}) without I/O, and
 * {@link io.mooring.pool.ports.PortExhaustion} turns the kernel's EADDRNOTAVAIL into a {@link
 * io.mooring.pool.ports.PortExhaustedException} that says why and what to do.
 *
 * <p>The monitor is a Micrometer {@code MeterBinder} and needs no pool:
 *
 * <pre>{@code
 * MeterRegistry registry = ...;                        // Prometheus, JMX, SimpleMeterRegistry
 * PortMonitor ports = PortMonitor.builder()
 *     .scanInterval(Duration.ofSeconds(5))
 *     .topN(10)                                        // busiest destinations reported
 *     .warnThreshold(0.5)                              // log a WARNING at 50% of the range
 *     .build();
 * ports.bindTo(registry);
 * ports.watch("api.example.com", 443);                 // always reported, whatever its rank
 * ports.start();
 * // mooring.ports.ephemeral.range, mooring.ports.sockets{state},
 * // mooring.ports.utilization / .timewait / .closewait{destination},
 * // mooring.ports.scan.duration, mooring.ports.scan.malformed, mooring.ports.available
 * ...
 * ports.close();                                       // stops scanning, removes the meters
 * }</pre>
 *
 * <p>Off Linux the monitor reports itself unavailable ({@code mooring.ports.available} 0) and scans
 * nothing.
 */
package io.mooring.pool.ports;
