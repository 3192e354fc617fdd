package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.models.CertificateInput;
import com.tencentcloudapi.clb.v20180317.models.CertificateOutput;
import java.util.Objects;

/**
 * The certificate an HTTPS domain or a TCP_SSL listener is served with: a certificate id of the SSL
 * certificate service and, for mutual TLS, the id of the CA that client certificates must chain to.
 *
 * @param caCertId null for one-way TLS
 */
public record ListenerCertificate(String certId, String caCertId) {

  public ListenerCertificate {
    Objects.requireNonNull(certId, "certId");
  }

  /** {@code MUTUAL} when a CA is given, else {@code UNIDIRECTIONAL}, as the CLB API names them. */
  public String sslMode() {
    return caCertId == null ? "UNIDIRECTIONAL" : "MUTUAL";
  }

  public CertificateInput toInput() {
    CertificateInput input = new CertificateInput();
    input.setSSLMode(sslMode());
    input.setCertId(certId);
    if (caCertId != null) {
      input.setCertCaId(caCertId);
    }
    return input;
  }

  /** Is the listener or rule already served with this certificate? */
  public boolean servedBy(CertificateOutput output) {
    return output != null
        && certId.equals(output.getCertId())
        && sslMode().equals(output.getSSLMode())
        && Objects.equals(caCertId, blankToNull(output.getCertCaId()));
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
