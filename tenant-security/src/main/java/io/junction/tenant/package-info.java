/** Tenants on the brokers: each tenant's limits, destinations and management, applied from the directory. */
package io.junction.tenant;
