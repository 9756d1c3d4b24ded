package health.circles.web;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the kept JSON of a cached answer instead of serializing it again ({@link ReusableBody}). The first call that
 * shows a value serializes it as every answer is serialized (the same writer, the same object mapper) and keeps a copy
 * of the bytes; later calls answered with the same instance send that copy. Serializing a page of 20 influencers with
 * their explanations was a fifth of a cached read's CPU.
 */
@Provider
@ReusableBody
public class ReusableBodyInterceptor implements WriterInterceptor {

    private final ReusableBodies bodies;

    ReusableBodyInterceptor(ReusableBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException, WebApplicationException {
        ReusableBodies.Offer offer = bodies.offered(context.getEntity());
        if (offer == null) {
            context.proceed();
            return;
        }
        byte[] kept = offer.json().get();
        if (kept != null) {
            // The kept bytes go through the chain's own byte[] writer, which ends the answer as usual.
            context.setEntity(kept);
            context.setType(byte[].class);
            context.setGenericType(byte[].class);
            context.proceed();
            bodies.reusedOnce();
            return;
        }
        OutputStream out = context.getOutputStream();
        ByteArrayOutputStream copy = new ByteArrayOutputStream(16 * 1024);
        context.setOutputStream(copy);
        try {
            context.proceed();
        } finally {
            context.setOutputStream(out);
        }
        byte[] written = copy.toByteArray();
        offer.json().compareAndSet(null, written);
        out.write(written);
    }
}
