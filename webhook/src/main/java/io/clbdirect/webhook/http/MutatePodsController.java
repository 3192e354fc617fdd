package io.clbdirect.webhook.http;

import io.clbdirect.webhook.admission.AdmissionReview;
import io.clbdirect.webhook.admission.AdmissionReviewCodec;
import io.clbdirect.webhook.admission.MalformedAdmissionReviewException;
import io.clbdirect.webhook.admission.PodAdmissionHandler;
import io.clbdirect.webhook.admission.TopologyNotSyncedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP edge of the webhook: checks the request is a JSON body of bounded size, decodes it, lets the
 * handler decide, encodes the answer. Refusals are RFC 9457 problem documents with a clear detail.
 */
@RestController
public class MutatePodsController {

  public static final String PATH = "/mutate-pods";
  private static final Logger log = LoggerFactory.getLogger(MutatePodsController.class);

  private final AdmissionReviewCodec codec;
  private final PodAdmissionHandler handler;
  private final long maxRequestBytes;
  private final boolean leanDecoding;
  private final Timer latency;

  /** With the lean decoding ({@link AdmissionReviewCodec#decodeLean}), as served. */
  public MutatePodsController(
      AdmissionReviewCodec codec,
      PodAdmissionHandler handler,
      long maxRequestBytes,
      MeterRegistry meters) {
    this(codec, handler, maxRequestBytes, meters, true);
  }

  /**
   * @param leanDecoding read only the part of the Pod the decision needs ({@link
   *     AdmissionReviewCodec#decodeLean}); false parses and binds the whole Pod ({@link
   *     AdmissionReviewCodec#decode}), the reference the tests compare the lean decoding with
   */
  public MutatePodsController(
      AdmissionReviewCodec codec,
      PodAdmissionHandler handler,
      long maxRequestBytes,
      MeterRegistry meters,
      boolean leanDecoding) {
    this.leanDecoding = leanDecoding;
    this.codec = codec;
    this.handler = handler;
    this.maxRequestBytes = maxRequestBytes;
    this.latency =
        Timer.builder("clb_direct_admission_duration")
            .description("Time to answer one AdmissionReview, decoding to encoding")
            .publishPercentileHistogram()
            .register(meters);
  }

  @PostMapping(PATH)
  public ResponseEntity<byte[]> mutate(HttpServletRequest request) {
    requireJson(request.getContentType());
    byte[] body;
    try {
      body =
          BoundedBody.read(
              request.getInputStream(), request.getContentLengthLong(), maxRequestBytes);
    } catch (IOException e) {
      // A client that stalls or drops mid-body (the server's read timeout fires): say so, don't
      // 500.
      throw new WebhookRequestException(
          HttpStatus.BAD_REQUEST, "could not read the request body: " + e.getMessage());
    }
    Timer.Sample sample = Timer.start();
    try {
      AdmissionReview review = leanDecoding ? codec.decodeLean(body) : codec.decode(body);
      byte[] answer = codec.encode(handler.handle(review));
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer);
    } catch (MalformedAdmissionReviewException e) {
      throw new WebhookRequestException(HttpStatus.BAD_REQUEST, e.getMessage());
    } finally {
      sample.stop(latency);
    }
  }

  private static void requireJson(String contentType) {
    if (contentType == null) {
      throw new WebhookRequestException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type is missing; expected application/json");
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      throw new WebhookRequestException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type '" + contentType + "' is invalid; expected application/json");
    }
    if (!"application".equals(type.getType()) || !"json".equals(type.getSubtype())) {
      throw new WebhookRequestException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type " + contentType + " is not supported; expected application/json");
    }
  }

  @ExceptionHandler(WebhookRequestException.class)
  ResponseEntity<ProblemDetail> refuse(WebhookRequestException e) {
    log.warn("refused admission request: {} {}", e.status().value(), e.getMessage());
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    return ResponseEntity.status(e.status())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /**
   * 503 makes the API server apply the webhook's failurePolicy, the honest answer while syncing.
   */
  @ExceptionHandler(TopologyNotSyncedException.class)
  ResponseEntity<ProblemDetail> notSynced(TopologyNotSyncedException e) {
    log.warn("admission request before caches synced: answered 503");
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", "1")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /** Last line of defence: the API server must get an answer, never a stack trace or a hang. */
  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
    log.error("unexpected failure answering an admission request", e);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST,
            "request could not be processed: " + e.getClass().getSimpleName());
    return ResponseEntity.badRequest()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
