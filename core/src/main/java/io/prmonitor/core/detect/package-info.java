/**
 * Internal to module io.prmonitor.core (not exported): change detection, which compares a freshly read pull
 * request with its stored snapshot and names every change between them.
 */
package io.prmonitor.core.detect;
