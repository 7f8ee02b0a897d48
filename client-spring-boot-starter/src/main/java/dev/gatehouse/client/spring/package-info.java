/** Guards a Spring Boot application's routes, methods and view elements by Gatehouse permissions, decided in process. */
@NullMarked
package dev.gatehouse.client.spring;

import org.jspecify.annotations.NullMarked;
