package health.circles.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Sends a chunked body over a raw socket and notes how much of it had been sent when the answer came. */
final class ChunkedUpload {

    static final int CHUNK = 64 * 1024;

    private ChunkedUpload() {
    }

    record Answer(String head, String body, long sent) {
        String status() {
            return head.isEmpty() ? "nothing" : head.substring(0, head.indexOf("\r\n"));
        }
    }

    /**
     * Sends {@code total} bytes chunked in lock-step (after each chunk it looks for an answer), so that what the
     * client sent before the answer came is what the server read plus at most a chunk in flight.
     */
    static Answer send(URL root, String path, String type, long total, String... headers) throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            AtomicLong sent = new AtomicLong();
            AtomicLong sentAtAnswer = new AtomicLong(-1);
            CountDownLatch answered = new CountDownLatch(1);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (sentAtAnswer.get() < 0) {
                            sentAtAnswer.set(sent.get());
                            answered.countDown();
                        }
                        synchronized (received) {
                            received.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the server closed the connection
                }
                answered.countDown();
            });
            reader.start();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nTransfer-Encoding: chunked\r\n" + String.join("", java.util.Arrays.stream(headers)
                    .map(h -> h + "\r\n").toList()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] chunk = new byte[CHUNK];
            java.util.Arrays.fill(chunk, (byte) 'x');
            byte[] size = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent.get() < total && !answered.await(50, TimeUnit.MILLISECONDS)) {
                    out.write(size);
                    out.write(chunk);
                    out.write(crlf);
                    out.flush();
                    sent.addAndGet(CHUNK);
                }
            } catch (IOException e) {
                // refused and closed while sending: what counts is when the answer came
            }
            answered.await(30, TimeUnit.SECONDS);
            reader.join(30_000);
            String text;
            synchronized (received) {
                text = received.toString(StandardCharsets.UTF_8);
            }
            int end = text.indexOf("\r\n\r\n");
            return new Answer(end < 0 ? text : text.substring(0, end), end < 0 ? "" : text.substring(end + 4),
                    sentAtAnswer.get() < 0 ? sent.get() : sentAtAnswer.get());
        }
    }
}
