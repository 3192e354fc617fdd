package io.clbdirect.e2e.junit;

import io.clbdirect.e2e.controlplane.ControlPlane;
import io.clbdirect.e2e.controlplane.ControlPlaneAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a running {@link ControlPlane}: started on first use, shared by every test class in
 * the JVM (a start costs seconds), and closed by JUnit when the run ends, whether tests passed or
 * not.
 */
public final class ControlPlaneExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return controlPlane(context);
  }

  /**
   * The shared control plane, started on first use: for other extensions that start processes
   * against it in their own callbacks, where no parameter can be resolved.
   */
  public static ControlPlane controlPlane(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(
            ControlPlane.class,
            type -> ControlPlane.start(ControlPlaneAssets.resolve(repository())),
            ControlPlane.class);
  }

  /** The repository root, to find hack/control-plane.sh: set by Maven, else found from the cwd. */
  public static Path repository() {
    String configured = System.getProperty("clbdirect.repo");
    if (configured != null && Files.isDirectory(Path.of(configured, "hack"))) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("hack/control-plane.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (hack/control-plane.sh) from "
            + Path.of("").toAbsolutePath());
  }
}
