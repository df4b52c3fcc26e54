/**
 * The event manager: one problem per cause, not one per event (repeats counted, recoveries closing what they recover,
 * flapping made one problem, consequences of a down device suppressed).
 */
package io.junction.consume.event;
