package io.peregrine.sender.receiver;

/** One person who is told about an event; any contact may be empty. */
public record Person(String name, String email, String phone, String im) {
  public Person {
    name = name == null ? "" : name;
    email = email == null ? "" : email;
    phone = phone == null ? "" : phone;
    im = im == null ? "" : im;
  }
}
