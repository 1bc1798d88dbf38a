package io.prmonitor.github.http;

import java.net.URI;
import java.net.http.HttpHeaders;

/** The outcome of one REST exchange: an answer, a redirect to follow, or a reason to try again. */
sealed interface Outcome<T> {

  record Done<T>(int status, T value, HttpHeaders headers) implements Outcome<T> {
  }

  record Redirect<T>(URI location) implements Outcome<T> {
  }

  record Retry<T>(String reason, int status, Throwable cause, boolean secondaryLimit) implements Outcome<T> {
  }
}
