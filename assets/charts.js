// Image downloads of the chart cards, made in the browser from the rendered chart: a copy
// of the figure with the card's title on top and its source, the municipality and the date
// at the bottom (the texts come from the card's data-* attributes, in the page's language),
// so that a PNG or SVG pasted into a report still says what it shows and where it is from.
(function () {
    var WIDTH = 1200;
    var HEIGHT = 640;
    var LINE = 16; // px per line of the caption at the bottom

    // Break a long text into lines of at most `width` characters, at spaces.
    function wrap(text, width) {
        var lines = [];
        var line = "";
        String(text || "").split(/\s+/).forEach(function (word) {
            if (line && (line + " " + word).length > width) {
                lines.push(line);
                line = word;
            } else {
                line = line ? line + " " + word : word;
            }
        });
        if (line) {
            lines.push(line);
        }
        return lines;
    }

    function escapeHtml(text) {
        return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    }

    // The figure to export: the drawn one, with room and texts for title and caption.
    function exportFigure(plot, caption) {
        var layout = JSON.parse(JSON.stringify(plot.layout || {}));
        var margin = Object.assign({l: 60, r: 30, t: 40, b: 60}, layout.margin || {});
        var title = wrap(caption.title, 90);
        var bottom = wrap(caption.source, 150);
        var footer = [caption.municipality, caption.date].filter(Boolean).join(" · ");
        if (caption.demonstration) {
            footer += " · " + caption.demonstration;
        }
        bottom.push(footer);
        var titleHeight = 26 * title.length + 16;
        var captionHeight = LINE * bottom.length + 12;
        layout.title = {
            text: title.map(escapeHtml).join("<br>"),
            x: 0, xref: "paper", xanchor: "left",
            y: 1, yref: "container", yanchor: "top", pad: {t: 12},
            font: {size: 20, color: "#1f2933"}
        };
        layout.margin = Object.assign({}, margin, {
            t: margin.t + titleHeight, b: margin.b + captionHeight, autoexpand: true
        });
        layout.annotations = (layout.annotations || []).concat([{
            text: bottom.map(escapeHtml).join("<br>"),
            xref: "paper", x: 0, xanchor: "left", align: "left",
            yref: "paper", y: 0, yanchor: "top", yshift: -(margin.b + 6),
            showarrow: false, font: {size: 12, color: "#52606d"},
            name: "export-caption"
        }]);
        layout.width = WIDTH;
        layout.height = HEIGHT + titleHeight + captionHeight;
        layout.paper_bgcolor = layout.paper_bgcolor || "#ffffff";
        return {data: plot.data, layout: layout};
    }

    function save(url, filename) {
        var link = document.createElement("a");
        link.href = url;
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        charts: {
            downloadImage: function (clicks) {
                var trigger = window.dash_clientside.callback_context.triggered_id;
                if (!clicks || !trigger) {
                    return window.dash_clientside.no_update;
                }
                var holder = document.getElementById("chart-" + trigger.chart);
                var plot = holder && holder.querySelector(".js-plotly-plot");
                var card = document.getElementById("card-" + trigger.chart);
                var texts = card && card.querySelector(".chart-downloads");
                if (!plot || !window.Plotly || !window.Plotly.toImage || !texts) {
                    return window.dash_clientside.no_update;
                }
                var figure = exportFigure(plot, texts.dataset);
                window.Plotly.toImage(figure, {
                    format: trigger.fmt,
                    width: figure.layout.width,
                    height: figure.layout.height,
                    scale: trigger.fmt === "png" ? 2 : 1
                }).then(function (url) {
                    save(url, trigger.chart + "." + trigger.fmt);
                });
                return window.dash_clientside.no_update;
            }
        }
    });
})();
