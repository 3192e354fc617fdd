package io.clbdirect.gate.clb;

import com.tencentcloudapi.clb.v20180317.ClbClient;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;

/**
 * Builds the official SDK's CLB client for a connection; the SDK signs (TC3-HMAC-SHA256) and sends.
 */
public final class ClbClientFactory {

  private ClbClientFactory() {}

  public static ClbClient create(ClbConnection connection) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint(connection.endpoint());
    http.setProtocol(connection.https() ? HttpProfile.REQ_HTTPS : HttpProfile.REQ_HTTP);
    http.setReqMethod(HttpProfile.REQ_POST);
    http.setConnTimeout((int) connection.connectTimeout().toSeconds());
    http.setReadTimeout((int) connection.readTimeout().toSeconds());
    http.setWriteTimeout((int) connection.readTimeout().toSeconds());
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    return new ClbClient(
        new Credential(connection.secretId(), connection.secretKey()),
        connection.region(),
        profile);
  }
}
