package io.peregrine.judge.expr;

/**
 * Splits a rule's expression into tokens on demand, keeping each token's position for error messages. Tag sets
 * ({@code {device=sda}}) are read by the parser straight from the text, since tag values may hold characters
 * that are operators elsewhere ({@code mount=/data}).
 */
final class ExprLexer {
  enum Type { NUMBER, NAME, QUOTED, AND, OR, NOT, LPAREN, RPAREN, LBRACE, PLUS, MINUS, STAR, SLASH, CMP, END }

  /** @param pos 0-based start in the text; @param end exclusive */
  record Token(Type type, String text, int pos, int end) {
    int col() {
      return pos + 1;
    }

    String describe() {
      return type == Type.END ? "the end of the text" : "'" + text + "'";
    }
  }

  final String text;
  int pos;

  ExprLexer(String text, int from) {
    this.text = text;
    this.pos = from;
  }

  Token next() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    int start = pos;
    if (pos >= text.length()) {
      return new Token(Type.END, "", start, start);
    }
    char c = text.charAt(pos);
    if (c >= '0' && c <= '9') {
      return number(start);
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < text.length() && isNameChar(text.charAt(pos))) {
        pos++;
      }
      String word = text.substring(start, pos);
      Type t = switch (word) {
        case "and" -> Type.AND;
        case "or" -> Type.OR;
        case "not" -> Type.NOT;
        default -> Type.NAME;
      };
      return new Token(t, word, start, pos);
    }
    if (c == '"') {
      int close = text.indexOf('"', pos + 1);
      if (close < 0) {
        throw new ExprSyntaxException(start + 1, "the quoted metric name is not closed with '\"'");
      }
      if (close == pos + 1) {
        throw new ExprSyntaxException(start + 1, "the quoted metric name is empty");
      }
      pos = close + 1;
      return new Token(Type.QUOTED, text.substring(start + 1, close), start, pos);
    }
    pos++;
    String two = pos < text.length() ? "" + c + text.charAt(pos) : "" + c;
    switch (two) {
      case ">=", "<=", "==", "!=" -> {
        pos++;
        return new Token(Type.CMP, two, start, pos);
      }
      case "&&" -> throw new ExprSyntaxException(start + 1, "write 'and' instead of '&&'");
      case "||" -> throw new ExprSyntaxException(start + 1, "write 'or' instead of '||'");
      default -> { }
    }
    return switch (c) {
      case '(' -> new Token(Type.LPAREN, "(", start, pos);
      case ')' -> new Token(Type.RPAREN, ")", start, pos);
      case '{' -> new Token(Type.LBRACE, "{", start, pos);
      case '+' -> new Token(Type.PLUS, "+", start, pos);
      case '-' -> new Token(Type.MINUS, "-", start, pos);
      case '*' -> new Token(Type.STAR, "*", start, pos);
      case '/' -> new Token(Type.SLASH, "/", start, pos);
      case '>', '<' -> new Token(Type.CMP, String.valueOf(c), start, pos);
      case '=' -> throw new ExprSyntaxException(start + 1, "'=' is not an operator: compare with '=='");
      case '!' -> throw new ExprSyntaxException(start + 1, "write 'not' instead of '!'");
      default -> throw new ExprSyntaxException(start + 1, "unexpected character '" + c + "'");
    };
  }

  private Token number(int start) {
    digits();
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      if (digits() == 0) {
        throw new ExprSyntaxException(start + 1, "'" + text.substring(start, pos) + "' is not a number");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      int mark = pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (digits() == 0) {
        pos = mark; // "2e" followed by something else: reported below as a bad number
      }
    }
    if (pos < text.length() && isNameChar(text.charAt(pos))) {
      int end = pos;
      while (end < text.length() && isNameChar(text.charAt(end))) {
        end++;
      }
      throw new ExprSyntaxException(start + 1, "'" + text.substring(start, end) + "' is not a number (a metric "
          + "name that starts with a digit is written in double quotes)");
    }
    String t = text.substring(start, pos);
    double v = Double.parseDouble(t);
    if (Double.isInfinite(v)) {
      throw new ExprSyntaxException(start + 1, "'" + t + "' is beyond the range of a number");
    }
    return new Token(Type.NUMBER, t, start, pos);
  }

  private int digits() {
    int from = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - from;
  }

  static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }
}
