package dev.polymath.core.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ChartTest {

    private static BarChart bars() {
        return BarChart.builder("Δm% vs single-task")
                .categories("banking77", "clinc150", "hwu64")
                .series("Linear", 2.0, -1.0, 4.0)
                .series("PCGrad", new double[] {1.0, 3.0, Double.NaN}, new double[] {0.5, 0.5, 0.5})
                .yLabel("Δm (%)")
                .build();
    }

    @Test
    void barChartHasOneRectPerBarWithProportionalHeights() {
        Document d = XmlCheck.parse(bars().toSvg());
        List<Element> rects = XmlCheck.elements(d, "rect");
        assertEquals(5, rects.size(), "one rect per finite value, NaN leaves a gap");
        Element two = bar(rects, 2.0), four = bar(rects, 4.0), one = bar(rects, 1.0);
        assertEquals(2.0, XmlCheck.num(four, "height") / XmlCheck.num(two, "height"), 0.01);
        assertEquals(2.0, XmlCheck.num(two, "height") / XmlCheck.num(one, "height"), 0.01);
        assertEquals(3.0, XmlCheck.num(bar(rects, 3.0), "height") / XmlCheck.num(one, "height"), 0.01);
    }

    @Test
    void negativeBarsHangBelowTheAxis() {
        Document d = XmlCheck.parse(bars().toSvg());
        Element zero = XmlCheck.elements(d, "line").stream().filter(l -> l.getAttribute("class").equals("zero")).findFirst().orElseThrow();
        double y0 = XmlCheck.num(zero, "y1");
        List<Element> rects = XmlCheck.elements(d, "rect");
        Element positive = bar(rects, 2.0), negative = bar(rects, -1.0);
        assertEquals(y0, XmlCheck.num(positive, "y") + XmlCheck.num(positive, "height"), 0.02, "positive bar ends at the axis");
        assertEquals(y0, XmlCheck.num(negative, "y"), 0.02, "negative bar starts at the axis");
        assertEquals(0.5, XmlCheck.num(negative, "height") / XmlCheck.num(positive, "height"), 0.01);
    }

    private static Element bar(List<Element> rects, double value) {
        return rects.stream().filter(r -> Double.parseDouble(r.getAttribute("data-value")) == value).findFirst().orElseThrow();
    }

    @Test
    void barChartHasLegendValueLabelsAndErrorBars() {
        Document d = XmlCheck.parse(bars().toSvg());
        List<String> legend = XmlCheck.elements(d, "text").stream().filter(t -> t.getAttribute("class").equals("legend")).map(Element::getTextContent).toList();
        assertEquals(List.of("Linear", "PCGrad"), legend);
        List<String> values = XmlCheck.elements(d, "text").stream().filter(t -> t.getAttribute("class").equals("value")).map(Element::getTextContent).toList();
        assertTrue(values.containsAll(List.of("2.0", "-1.0", "4.0", "1.0", "3.0")), values.toString());
        long errLines = XmlCheck.elements(d, "line").stream().filter(l -> l.getAttribute("class").equals("err")).count();
        assertEquals(2 * 3, errLines, "a stem and two caps per error bar");
    }

    @Test
    void lineChartHasOnePathPerSeriesAndLog2Ticks() {
        double[] x = {16, 64, 256, 1024, 4096, 16384, 65536};
        LineChart c = LineChart.builder("Accuracy vs number of training tasks")
                .series("MAML", x, new double[] {50, 55, 61, 64, 66, 67, 67.5})
                .series("ProtoNet", x, new double[] {52, 57, 60, Double.NaN, 65, 66, 68}, new double[] {1, 1, 1, 1, 1, 1, 1})
                .series("Baseline", x, new double[] {40, 41, 42, 43, 44, 45, 46})
                .log2X(true).xLabel("training tasks").yLabel("accuracy (%)")
                .build();
        Document d = XmlCheck.parse(c.toSvg());
        List<Element> paths = XmlCheck.elements(d, "path");
        assertEquals(3, paths.size());
        assertEquals(0, XmlCheck.elements(d, "polyline").size());
        assertEquals("M", paths.get(1).getAttribute("d").replaceAll("[^M]", "").substring(0, 1));
        assertEquals(2, paths.get(1).getAttribute("d").chars().filter(ch -> ch == 'M').count(), "NaN breaks the line");
        List<String> ticks = XmlCheck.elements(d, "text").stream().filter(t -> t.getAttribute("class").equals("tick"))
                .map(Element::getTextContent).toList();
        assertTrue(ticks.contains("24") && ticks.contains("216"), "2^4 and 2^16 ticks: " + ticks);
        // equal ratios are equal distances on a log axis
        List<Element> dots = XmlCheck.elements(d, "circle");
        double x0 = XmlCheck.num(dots.get(0), "cx"), x1 = XmlCheck.num(dots.get(1), "cx"), x2 = XmlCheck.num(dots.get(2), "cx");
        assertEquals(x1 - x0, x2 - x1, 0.02);
        assertTrue(XmlCheck.elements(d, "polygon").stream().anyMatch(p -> p.getAttribute("class").equals("band")));
    }

    @Test
    void log2AxisRejectsNonPositiveX() {
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.builder("t").series("s", new double[] {0, 1}, new double[] {1, 2}).log2X(true).build());
    }

    @Test
    void textIsEscaped() {
        BarChart c = BarChart.builder("<script>alert('t')</script>")
                .categories("<script>x</script>", "a&b").series("m\"1\"", 1, 2).build();
        String svg = c.toSvg();
        assertFalse(svg.contains("<script>"));
        assertTrue(svg.contains("&lt;script&gt;x&lt;/script&gt;"));
        assertTrue(svg.contains("a&amp;b"));
        Document d = XmlCheck.parse(svg);
        assertEquals(0, XmlCheck.elements(d, "script").size());
        assertTrue(XmlCheck.elements(d, "text").stream().anyMatch(t -> t.getTextContent().equals("<script>x</script>")));
    }

    @Test
    void writesStandaloneSvg(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("chart.svg");
        bars().writeSvg(f);
        String s = Files.readString(f);
        assertTrue(s.startsWith("<?xml"));
        Document d = XmlCheck.parse(s);
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
    }

    @Test
    void htmlReportIsWellFormedAndSelfContained() {
        String html = HtmlReport.builder("Report <1>")
                .summary("Command", "mtl-train").summary("Seed", 42)
                .heading("Results")
                .table(Table.builder("T").columns("Task", "Acc").row("<script>alert(1)</script>", 0.5).build())
                .chart(bars())
                .chart(LineChart.builder("loss").series("train", new double[] {3, 2, 1.5, 1.2}).build())
                .render();
        Document d = XmlCheck.parse(html);
        assertEquals("html", d.getDocumentElement().getLocalName());
        assertEquals(5, XmlCheck.elements(d, "rect").size());
        assertEquals(2, XmlCheck.elements(d, "svg").size());
        assertEquals(0, XmlCheck.elements(d, "script").size());
        assertFalse(html.contains("<script>"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/", "").contains("http://"), "no external resources");
        assertFalse(html.contains("https://"));
        assertFalse(html.contains("<link"));
    }
}
