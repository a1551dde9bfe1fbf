// Printing: fit every chart to the width of an A4 landscape page, then give it back its
// screen size. Charts are drawn for the screen's width; without this a chart drawn on a
// wide screen would be cut off at the right edge of the paper.
(function () {
    var PRINT_WIDTH = 1030; // CSS pixels in 297 mm less the 2 x 12 mm margins of print.css
    var resized = [];

    window.addEventListener("beforeprint", function () {
        var main = document.getElementById("main");
        var pageWidth = main ? main.clientWidth : document.documentElement.clientWidth;
        if (!window.Plotly || pageWidth <= PRINT_WIDTH) {
            return;
        }
        var scale = PRINT_WIDTH / pageWidth;
        resized = Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot"));
        resized.forEach(function (plot) {
            window.Plotly.relayout(plot, {width: Math.floor(plot.clientWidth * scale)});
        });
    });

    window.addEventListener("afterprint", function () {
        resized.forEach(function (plot) {
            window.Plotly.relayout(plot, {width: null, autosize: true});
        });
        resized = [];
    });
})();
