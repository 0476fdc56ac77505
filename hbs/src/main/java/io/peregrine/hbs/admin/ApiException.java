package io.peregrine.hbs.admin;

/** An answer other than success, with the status and the message the client sees ({"error": ..., "field": ...}). */
final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  ApiException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  static ApiException badField(String field, String message) {
    return new ApiException(400, field, "field '" + field + "' " + message);
  }

  static ApiException notFound(String what) {
    return new ApiException(404, null, what + " does not exist");
  }

  int status() {
    return status;
  }

  /** The request field at fault, or null. */
  String field() {
    return field;
  }
}
