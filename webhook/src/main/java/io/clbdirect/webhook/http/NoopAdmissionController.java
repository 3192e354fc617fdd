package io.clbdirect.webhook.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Benchmark baseline only ({@code clb-direct.webhook.benchmark-noop-endpoint=true}, off by
 * default): {@code POST /noop} reads the whole body like {@code /mutate-pods} does, then answers a
 * fixed "allowed" AdmissionReview without decoding anything. Same port, TLS, Tomcat and Spring MVC
 * stack, so its throughput is the ceiling the webhook's own work is measured against
 * (docs/benchmarks.md).
 */
@RestController
public class NoopAdmissionController {

  public static final String PATH = "/noop";
  private static final byte[] ANSWER =
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
          .getBytes(StandardCharsets.UTF_8);

  private final long maxRequestBytes;

  public NoopAdmissionController(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  @PostMapping(PATH)
  public ResponseEntity<byte[]> noop(HttpServletRequest request) {
    try {
      BoundedBody.read(request.getInputStream(), request.getContentLengthLong(), maxRequestBytes);
    } catch (WebhookRequestException e) {
      return ResponseEntity.status(e.status()).build();
    } catch (IOException e) {
      return ResponseEntity.status(HttpStatus.BAD_REQUEST).build();
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ANSWER);
  }
}
