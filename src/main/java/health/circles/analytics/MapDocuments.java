package health.circles.analytics;

import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Renders a map as Cytoscape.js JSON, GraphML or GEXF (the last two with a StAX writer, which escapes). */
final class MapDocuments {

    static final String GRAPHML = "application/graphml+xml";
    static final String GEXF = "application/gexf+xml";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private MapDocuments() {
    }

    /** Cytoscape.js elements JSON, with the bounds note. */
    @Schema(name = "CytoscapeMap")
    public record Cytoscape(Elements elements, int nodeCount, int edgeCount, boolean truncated, String note,
                            @Schema(description = "Name of every community the map's nodes belong to (any level), "
                                    + "by community id") java.util.Map<String, String> communityNames) {
    }

    /** The elements object Cytoscape.js takes. */
    @Schema(name = "CytoscapeElements")
    public record Elements(List<NodeElement> nodes, List<EdgeElement> edges) {
    }

    /** A node element. */
    @Schema(name = "CytoscapeNode")
    public record NodeElement(MapGraph.Node data) {
    }

    /** An edge element. */
    @Schema(name = "CytoscapeEdge")
    public record EdgeElement(MapGraph.Edge data) {
    }

    static Cytoscape cytoscape(MapGraph map) {
        return new Cytoscape(new Elements(map.nodes().stream().map(NodeElement::new).toList(),
                map.edges().stream().map(EdgeElement::new).toList()), map.nodes().size(), map.edges().size(),
                map.truncated(), map.note(), map.communityNames());
    }

    static String graphml(MapGraph map) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("graphml");
            w.writeDefaultNamespace("http://graphml.graphdrawing.org/xmlns");
            key(w, "label", "node", "string");
            key(w, "kind", "node", "string");
            key(w, "community", "node", "long");
            key(w, "influence", "node", "double");
            key(w, "ring", "node", "int");
            key(w, "size", "node", "int");
            key(w, "groups", "node", "string");
            key(w, "type", "edge", "string");
            key(w, "strength", "edge", "double");
            w.writeStartElement("graph");
            w.writeAttribute("id", "circles");
            w.writeAttribute("edgedefault", "undirected");
            if (map.note() != null) {
                w.writeStartElement("desc");
                w.writeCharacters(clean(map.note()));
                w.writeEndElement();
            }
            for (MapGraph.Node n : map.nodes()) {
                w.writeStartElement("node");
                w.writeAttribute("id", clean(n.id()));
                data(w, "label", n.label());
                data(w, "kind", n.kind());
                data(w, "community", n.community() == null ? null : n.community().toString());
                data(w, "influence", n.influence() == null ? null : number(n.influence()));
                data(w, "ring", n.ring() == null ? null : n.ring().toString());
                data(w, "size", n.size() == null ? null : n.size().toString());
                data(w, "groups", groups(n));
                w.writeEndElement();
            }
            for (MapGraph.Edge e : map.edges()) {
                w.writeStartElement("edge");
                w.writeAttribute("id", clean(e.id()));
                w.writeAttribute("source", clean(e.source()));
                w.writeAttribute("target", clean(e.target()));
                w.writeAttribute("directed", String.valueOf(e.directed()));
                data(w, "type", e.type());
                data(w, "strength", number(e.strength()));
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Could not write GraphML", e);
        }
        return out.toString();
    }

    static String gexf(MapGraph map) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("gexf");
            w.writeDefaultNamespace("http://gexf.net/1.3");
            w.writeAttribute("version", "1.3");
            w.writeStartElement("meta");
            w.writeStartElement("creator");
            w.writeCharacters("Circles");
            w.writeEndElement();
            if (map.note() != null) {
                w.writeStartElement("description");
                w.writeCharacters(clean(map.note()));
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeStartElement("graph");
            w.writeAttribute("mode", "static");
            w.writeAttribute("defaultedgetype", "undirected");
            w.writeStartElement("attributes");
            w.writeAttribute("class", "node");
            attribute(w, "kind", "string");
            attribute(w, "community", "long");
            attribute(w, "influence", "double");
            attribute(w, "groups", "string");
            w.writeEndElement();
            w.writeStartElement("attributes");
            w.writeAttribute("class", "edge");
            attribute(w, "type", "string");
            w.writeEndElement();
            w.writeStartElement("nodes");
            for (MapGraph.Node n : map.nodes()) {
                w.writeStartElement("node");
                w.writeAttribute("id", clean(n.id()));
                w.writeAttribute("label", clean(n.label() == null ? n.id() : n.label()));
                w.writeStartElement("attvalues");
                attvalue(w, "kind", n.kind());
                attvalue(w, "community", n.community() == null ? null : n.community().toString());
                attvalue(w, "influence", n.influence() == null ? null : number(n.influence()));
                attvalue(w, "groups", groups(n));
                w.writeEndElement();
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeStartElement("edges");
            for (MapGraph.Edge e : map.edges()) {
                w.writeStartElement("edge");
                w.writeAttribute("id", clean(e.id()));
                w.writeAttribute("source", clean(e.source()));
                w.writeAttribute("target", clean(e.target()));
                w.writeAttribute("type", e.directed() ? "directed" : "undirected");
                w.writeAttribute("weight", number(e.strength()));
                w.writeStartElement("attvalues");
                attvalue(w, "type", e.type());
                w.writeEndElement();
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Could not write GEXF", e);
        }
        return out.toString();
    }

    /** A node's groups as a JSON array of {id, kind, name} (one attribute, as GraphML and GEXF values are flat). */
    private static String groups(MapGraph.Node n) {
        if (n.groups() == null || n.groups().isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(n.groups());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Could not write a node's groups", e);
        }
    }

    private static void key(XMLStreamWriter w, String id, String target, String type) throws XMLStreamException {
        w.writeEmptyElement("key");
        w.writeAttribute("id", id);
        w.writeAttribute("for", target);
        w.writeAttribute("attr.name", id);
        w.writeAttribute("attr.type", type);
    }

    private static void data(XMLStreamWriter w, String key, String value) throws XMLStreamException {
        if (value == null) {
            return;
        }
        w.writeStartElement("data");
        w.writeAttribute("key", key);
        w.writeCharacters(clean(value));
        w.writeEndElement();
    }

    private static void attribute(XMLStreamWriter w, String id, String type) throws XMLStreamException {
        w.writeEmptyElement("attribute");
        w.writeAttribute("id", id);
        w.writeAttribute("title", id);
        w.writeAttribute("type", type);
    }

    private static void attvalue(XMLStreamWriter w, String id, String value) throws XMLStreamException {
        if (value == null) {
            return;
        }
        w.writeEmptyElement("attvalue");
        w.writeAttribute("for", id);
        w.writeAttribute("value", clean(value));
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }

    /** The writer escapes markup but cannot represent characters XML 1.0 forbids (most controls): drop those. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(cp -> cp == 0x9 || cp == 0xA || cp == 0xD || cp >= 0x20 && cp <= 0xD7FF
                || cp >= 0xE000 && cp <= 0xFFFD || cp >= 0x10000 && cp <= 0x10FFFF).forEach(out::appendCodePoint);
        return out.toString();
    }
}
