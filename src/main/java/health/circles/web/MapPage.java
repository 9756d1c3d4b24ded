package health.circles.web;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The map page lives at /map/ (index.html and its assets under META-INF/resources/map); /map leads there. */
@ApplicationScoped
public class MapPage {

    void route(@Observes Router router) {
        // Vert.x matches "/map" with or without the trailing slash; only the bare one is sent on.
        router.get("/map").handler(rc -> {
            if (rc.request().path().equals("/map")) {
                rc.redirect("/map/");
            } else {
                rc.next();
            }
        });
    }
}
