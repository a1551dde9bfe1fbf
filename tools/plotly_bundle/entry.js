'use strict';
// The trace types the dashboard draws (dashboard/figures): bar, scatter, heatmap, treemap.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/treemap'),
]);
module.exports = Plotly;
