// plotly.js for the dashboard's graphs: loaded at once, and drawing only what can be seen.
//
// dcc.Graph loads the whole plotly.js (4.8 MB, every trace type) when the first graph
// mounts, after the page's content has arrived and rendered. Instead the dashboard's own
// partial bundle (1.3 MB: the trace types it draws, built by tools/plotly_bundle) starts
// loading as this script runs, while the layout is on its way. Until it has run,
// window.Plotly is a thenable that dcc.Graph's loader adopts (it resolves
// `window.Plotly || <load the script>`): one plotly.js, run once.
//
// Once loaded, two of its calls are wrapped:
// - Plotly.react on a graph that is not near the screen (below the fold, or in a closed
//   section) waits until it comes within a quarter screen of it, or until the page is
//   printed: a page draws the charts its reader sees first, not every chart it has.
// - Plots.resize, which dcc.Graph calls once after every first draw, does nothing when the
//   graph already has the size it would get (plotly would draw the whole chart again).
(function () {
    // The server names the bundle by its fingerprinted address (dashboard/static_files.py),
    // so the browser keeps it for good and a rebuilt bundle has a new address. Without it,
    // dcc.Graph loads its own plotly.js.
    const meta = document.querySelector('meta[name="dms-plotly"]');
    if (window.Plotly || !meta) {
        return;
    }

    const NEAR = 0.25; // of the screen's height, above and below it
    const waiting = []; // graphs not yet drawn: {graph, args, done: [[resolve, reject]]}
    let draw = null; // plotly's own Plotly.react, once loaded

    function isNear(graph) {
        const box = graph.getBoundingClientRect();
        if (!box.width && !box.height) {
            return false; // not laid out (a closed section): drawn when it is shown
        }
        const margin = window.innerHeight * NEAR;
        return box.top < window.innerHeight + margin && box.bottom > -margin;
    }

    function drawNow(job) {
        forget(job);
        draw.apply(window.Plotly, job.args).then(
            function (graph) {
                job.done.forEach(function (pair) { pair[0](graph); });
            },
            function (error) {
                job.done.forEach(function (pair) { pair[1](error); });
            }
        );
    }

    function forget(job) { // its graph has left the page (another page is shown)
        waiting.splice(waiting.indexOf(job), 1);
        observer.unobserve(job.graph);
    }

    const observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
            const job = waiting.find(function (item) { return item.graph === entry.target; });
            if (job && entry.isIntersecting) {
                drawNow(job);
            }
        });
    }, {rootMargin: (NEAR * 100) + "% 0px"});

    // Every chart is on paper; assets/print-charts.js, registered after this, then fits them.
    window.addEventListener("beforeprint", function () {
        waiting.slice().forEach(drawNow);
    });

    function reactWhenNear(target) {
        const graph = typeof target === "string" ? document.getElementById(target) : target;
        waiting.filter(function (job) { return !job.graph.isConnected; }).forEach(forget);
        if (!graph || isNear(graph)) {
            return draw.apply(window.Plotly, arguments);
        }
        const args = Array.prototype.slice.call(arguments);
        return new Promise(function (resolve, reject) {
            const job = waiting.find(function (item) { return item.graph === graph; });
            if (job) { // a newer figure for a graph still waiting: only the newest is drawn
                job.args = args;
                job.done.push([resolve, reject]);
                return;
            }
            waiting.push({graph: graph, args: args, done: [[resolve, reject]]});
            observer.observe(graph);
        });
    }

    function sameSize(graph) {
        const drawn = graph && graph._fullLayout;
        if (!drawn) {
            return false;
        }
        const style = window.getComputedStyle(graph);
        return Math.abs(parseFloat(style.width) - drawn.width) <= 1 &&
            Math.abs(parseFloat(style.height) - drawn.height) <= 1;
    }

    function wrap(Plotly) {
        draw = Plotly.react;
        Plotly.react = reactWhenNear;
        const resize = Plotly.Plots.resize;
        Plotly.Plots.resize = function (target) {
            const graph = typeof target === "string" ? document.getElementById(target) : target;
            return sameSize(graph) ? Promise.resolve(graph) : resize.apply(this, arguments);
        };
    }

    const loading = [];
    const placeholder = {
        then: function (resolve, reject) {
            loading.push([resolve, reject]);
        },
    };
    const script = document.createElement("script");
    script.src = meta.content;
    script.async = true;
    script.onload = function () {
        wrap(window.Plotly);
        loading.forEach(function (pair) { pair[0](); });
    };
    script.onerror = function (error) {
        if (window.Plotly === placeholder) {
            delete window.Plotly;
        }
        loading.forEach(function (pair) { pair[1](error); });
    };
    window.Plotly = placeholder; // replaced by the library itself when the script has run
    document.head.appendChild(script);
})();
