package io.clbdirect.webhook.http;

import org.springframework.http.HttpStatus;

/**
 * A request the webhook refuses at the HTTP level, with the status and a message for the caller.
 */
public class WebhookRequestException extends RuntimeException {

  private final HttpStatus status;

  public WebhookRequestException(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
