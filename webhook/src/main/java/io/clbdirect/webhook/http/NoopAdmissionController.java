package io.clbdirect.webhook.http;

import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Benchmark baseline only ({@code clb-direct.webhook.benchmark-noop-endpoint=true}, off by
 * default): {@code POST /noop} reads the whole body like {@code /mutate-pods} does, then answers
 * "allowed" without decoding the Pod. Same port, TLS, Tomcat and Spring MVC stack, so its
 * throughput is the ceiling the webhook's own work is measured against (docs/benchmarks.md).
 *
 * <p>It echoes {@code request.uid}, read by a streaming scan that stops there (the API server
 * writes it first in the request), because the API server refuses an answer with any other uid:
 * that lets the Pod-creation benchmark register {@code /noop} as a real mutating webhook, the floor
 * clb-direct's own overhead is measured against.
 */
@RestController
public class NoopAdmissionController {

  public static final String PATH = "/noop";

  private final long maxRequestBytes;

  public NoopAdmissionController(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  @PostMapping(PATH)
  public ResponseEntity<byte[]> noop(HttpServletRequest request) {
    byte[] body;
    try {
      body =
          BoundedBody.read(
              request.getInputStream(), request.getContentLengthLong(), maxRequestBytes);
    } catch (WebhookRequestException e) {
      return ResponseEntity.status(e.status()).build();
    } catch (IOException e) {
      return ResponseEntity.status(HttpStatus.BAD_REQUEST).build();
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer(body));
  }

  /** An allowed AdmissionReview (v1) for the review in {@code body}, with its uid. */
  static byte[] answer(byte[] body) {
    return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":"
            + new JsonPrimitive(requestUid(body))
            + ",\"allowed\":true}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code request.uid} of an AdmissionReview, read only up to it; empty when the body has none or
   * is not JSON (the answer is then the fixed allowed one a baseline needs, never an error).
   */
  static String requestUid(byte[] body) {
    try (JsonReader reader =
        new JsonReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.nextName().equals("request") && reader.peek() == JsonToken.BEGIN_OBJECT) {
          reader.beginObject();
          while (reader.hasNext()) {
            if (reader.nextName().equals("uid") && reader.peek() == JsonToken.STRING) {
              return reader.nextString();
            }
            reader.skipValue();
          }
          return "";
        }
        reader.skipValue();
      }
      return "";
    } catch (IOException | IllegalStateException e) {
      return "";
    }
  }
}
