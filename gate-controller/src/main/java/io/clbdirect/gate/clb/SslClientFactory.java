package io.clbdirect.gate.clb;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.ssl.v20191205.SslClient;

/**
 * Builds the official SDK's SSL Certificates client (API 2019-12-05), set up as the CLB client is
 * ({@link ClbClientFactory}): same key, region, protocol and timeouts, its own endpoint.
 */
public final class SslClientFactory {

  private SslClientFactory() {}

  /**
   * @param connection the SSL API's connection: {@code ssl.tencentcloudapi.com}, or the emulator,
   *     which serves both APIs on one port
   */
  public static SslClient create(ClbConnection connection) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(connection.endpoint());
    http.setProtocol(connection.https() ? HttpProfile.REQ_HTTPS : HttpProfile.REQ_HTTP);
    http.setReqMethod(HttpProfile.REQ_POST);
    http.setConnTimeout((int) connection.connectTimeout().toSeconds());
    http.setReadTimeout((int) connection.readTimeout().toSeconds());
    http.setWriteTimeout((int) connection.readTimeout().toSeconds());
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    // Debug stays off: the SDK's debug log prints request bodies, and UploadCertificate's carries a
    // private key.
    profile.setDebug(false);
    return new SslClient(
        new Credential(connection.secretId(), connection.secretKey()),
        connection.region(),
        profile);
  }
}
