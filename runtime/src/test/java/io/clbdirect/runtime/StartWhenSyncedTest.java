package io.clbdirect.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.extended.controller.Controller;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartWhenSyncedTest {

  private final ExecutorService thread = Executors.newSingleThreadExecutor();

  /** Records whether it ran and was shut down; runs until shut down, like a DefaultController. */
  private static final class RecordingController implements Controller {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public void run() {
      started.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void shutdown() {
      stopped.countDown();
    }
  }

  @AfterEach
  void stopThread() {
    thread.shutdownNow();
  }

  @Test
  void theControllerRunsOnlyOnceTheCachesHaveSynced() throws Exception {
    AtomicBoolean synced = new AtomicBoolean();
    RecordingController controller = new RecordingController();
    StartWhenSynced term = new StartWhenSynced(synced::get, controller, Duration.ofMillis(5));
    Future<?> running = thread.submit(term::run);

    assertThat(controller.started.await(100, TimeUnit.MILLISECONDS))
        .as("started before the caches synced")
        .isFalse();
    synced.set(true);
    assertThat(controller.started.await(5, TimeUnit.SECONDS)).as("started once they have").isTrue();

    term.shutdown();
    running.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aShutdownWhileWaitingEndsTheWaitAndTheControllerNeverRuns() throws Exception {
    RecordingController controller = new RecordingController();
    // A long interval: only the shutdown can end the wait within the test's timeout.
    StartWhenSynced term = new StartWhenSynced(() -> false, controller, Duration.ofMinutes(10));
    Future<?> running = thread.submit(term::run);

    term.shutdown();
    running.get(5, TimeUnit.SECONDS);
    assertThat(controller.started.getCount()).as("the controller never ran").isEqualTo(1);
    assertThat(controller.stopped.getCount())
        .as("the controller was shut down (its workqueue with it)")
        .isZero();
  }
}
