package io.peregrine.hbs.admin;

/** A successful answer: a status and a body that Jackson writes as JSON. */
record Reply(int status, Object body) {
  static Reply ok(Object body) {
    return new Reply(200, body);
  }

  static Reply created(Object body) {
    return new Reply(201, body);
  }
}
