package io.peregrine.hbs.admin;

import java.util.List;

/**
 * An answer other than success: the status and what the client sees,
 * {@code {"error": ..., "field": ..., "errors": [{"field", "error"}, ...]}} ({@code field} names the first bad
 * field, {@code errors} lists every one found).
 */
final class ApiException extends RuntimeException {
  /** One bad field of a request and what is wrong with it. */
  record FieldError(String field, String error) {
  }

  private final int status;
  private final List<FieldError> errors;

  ApiException(int status, String message, List<FieldError> errors) {
    super(message);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  ApiException(int status, String message) {
    this(status, message, List.of());
  }

  static ApiException badField(String field, String message) {
    return badFields(List.of(new FieldError(field, "field '" + field + "' " + message)));
  }

  /** 400 naming every field in {@code errors}; the message is the first one's. */
  static ApiException badFields(List<FieldError> errors) {
    return new ApiException(400, errors.get(0).error(), errors);
  }

  static ApiException notFound(String what) {
    return new ApiException(404, what + " does not exist");
  }

  static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  int status() {
    return status;
  }

  List<FieldError> errors() {
    return errors;
  }
}
