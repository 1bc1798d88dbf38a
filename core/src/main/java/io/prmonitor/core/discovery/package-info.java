/**
 * Internal to module io.prmonitor.core (not exported): which repositories a pass covers, named ones and
 * those discovered through organizations, users or the app installation.
 */
package io.prmonitor.core.discovery;
