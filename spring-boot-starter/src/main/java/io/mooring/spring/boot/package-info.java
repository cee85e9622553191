/**
 * Spring Boot auto-configuration for Mooring: a {@link io.mooring.http.MooringHttpClient} bean
 * configured by {@link io.mooring.spring.boot.MooringHttpProperties} ({@code mooring.http.*}), and
 * Spring Boot's {@code RestClient.Builder}, {@code RestTemplateBuilder} and {@code
 * WebClient.Builder} on it. See {@link io.mooring.spring.boot.MooringHttpAutoConfiguration}.
 */
package io.mooring.spring.boot;
