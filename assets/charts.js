// Image downloads of the chart cards: the rendered chart, as PNG or SVG, made in the browser.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    charts: {
        downloadImage: function (clicks) {
            const trigger = window.dash_clientside.callback_context.triggered_id;
            if (!clicks || !trigger) {
                return window.dash_clientside.no_update;
            }
            const holder = document.getElementById("chart-" + trigger.chart);
            const plot = holder && holder.querySelector(".js-plotly-plot");
            if (plot && window.Plotly) {
                window.Plotly.downloadImage(plot, {
                    format: trigger.fmt, filename: trigger.chart, scale: 2, width: 1200, height: 600
                });
            }
            return window.dash_clientside.no_update;
        }
    }
});
