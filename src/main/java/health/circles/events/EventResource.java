package health.circles.events;

import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.security.Roles;
import health.circles.web.Problem;
import health.circles.web.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The change event feed over HTTP (docs/events.md). */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "What changed, in commit order: a feed to resume from, and webhooks")
@APIResponse(responseCode = "400", description = "Bad Request",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class EventResource {

    static final int MAX_LIMIT = 1000;

    private final EventFeed feed;

    EventResource(EventFeed feed) {
        this.feed = feed;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.INTEGRATION})
    @Audited(resource = "event", action = "list")
    @RateLimited(name = "event-waits", permits = 60, per = "PT1M", onlyWith = "wait")
    @Operation(operationId = "listEvents", summary = "Read the change events after a position", description = """
            Events in position order: positions are gap-free and increase in commit order, so a client that stores \
            the next value it was given and sends it back as after= misses nothing and sees nothing twice. Without \
            after, the feed starts at the oldest event kept. Events carry ids, types and changed field names, never \
            personal data. Integration sees contact, tie, touchpoint and import events; admin sees every type. \
            Events older than the retention (30 days by default) are purged: an after below the oldest kept \
            position is a 410. Calls with wait above 0 (long polls, which hold a thread) are rate limited \
            (event-waits, 60 a minute by default); read a backlog with wait=0, which is not, and wait only once a \
            page comes back short.""")
    @APIResponse(responseCode = "200", description = "Up to limit events; next is always present")
    @APIResponse(responseCode = "403", description = "The role may not read the feed, or not the types named",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "after is below the oldest position kept (events-purged)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public EventPage list(
            @Parameter(description = "The next value of the previous page: events after this position",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("after") String after,
            @Parameter(description = "Comma-separated types or patterns: contact.created, tie.*, *",
                    example = "contact.*,tie.created") @QueryParam("types") String types,
            @Parameter(description = "1 to 1000, default 100",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
            @QueryParam("limit") String limit,
            @Parameter(description = "Seconds to wait for an event when there is none yet (long poll), 0 to 30; "
                    + "default 0", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "30"))
            @QueryParam("wait") String wait) {
        return feed.page(position(after), types(types), QueryParams.limit(limit, 100, MAX_LIMIT), seconds(wait));
    }

    private static Long position(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long position = Long.parseLong(value.strip());
            if (position < 0) {
                throw new NumberFormatException();
            }
            return position;
        } catch (NumberFormatException e) {
            throw health.circles.web.ApiProblem.invalidField("after", "must be a position: an integer of 0 or more");
        }
    }

    private static int seconds(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw health.circles.web.ApiProblem.invalidField("wait", "must be a number of seconds");
        }
    }

    private static List<String> types(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.asList(value.split(",", -1));
    }
}
