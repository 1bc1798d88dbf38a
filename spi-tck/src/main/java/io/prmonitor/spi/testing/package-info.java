/**
 * Test helpers that every prmonitor module's tests share and that a store's or host's tests may use too: today one
 * {@link io.prmonitor.spi.testing.MutableClock} that tests move by hand instead of sleeping. JDK only.
 */
package io.prmonitor.spi.testing;
