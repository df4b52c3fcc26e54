/**
 * The device inventory as every part of Junction sees it: a device's definition ({@link io.junction.inventory.DeviceSpec}),
 * checked the same way wherever it is written, and its CSV form for import and export.
 */
package io.junction.inventory;
