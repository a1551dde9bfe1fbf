// Printing: fit every chart to one A4 landscape sheet, then give it back its screen size.
// Charts are drawn for the screen's width; without this a chart drawn on a wide screen
// would be cut off at the right edge of the paper, and a tall one (every settlement) would
// be cut across two sheets.
(function () {
    var PRINT_WIDTH = 1030; // CSS pixels in 297 mm less the 2 x 12 mm margins of print.css
    // 210 mm less the margins is 703 px; the card's title, takeaway and source need the rest.
    var PRINT_HEIGHT = 440;
    var resized = [];

    window.addEventListener("beforeprint", function () {
        var main = document.getElementById("main");
        var pageWidth = main ? main.clientWidth : document.documentElement.clientWidth;
        if (!window.Plotly || !window.Plotly.relayout) { // not yet loaded (see plotly_early.js)
            return;
        }
        var scale = pageWidth > PRINT_WIDTH ? PRINT_WIDTH / pageWidth : 1;
        resized = [];
        Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")).forEach(
            function (plot) {
                var update = {};
                if (scale < 1) {
                    update.width = Math.floor(plot.clientWidth * scale);
                }
                var height = (plot.layout && plot.layout.height) || plot.clientHeight;
                if (height > PRINT_HEIGHT) {
                    update.height = PRINT_HEIGHT;
                }
                if (Object.keys(update).length) {
                    resized.push({plot: plot, height: plot.layout && plot.layout.height});
                    window.Plotly.relayout(plot, update);
                }
            }
        );
    });

    window.addEventListener("afterprint", function () {
        resized.forEach(function (item) {
            window.Plotly.relayout(item.plot, {
                width: null, autosize: true, height: item.height === undefined ? null : item.height
            });
        });
        resized = [];
    });
})();
