/**
 * The listener model of Junction's consumers: CDI beans annotated {@link io.junction.consume.listen.Listener}, found
 * by a portable extension and run on the client library's transacted listener loop, in the spirit of
 * {@code @MessageDriven}. The beans hold business logic only.
 */
package io.junction.consume.listen;
