// dcc.Graph loads the whole plotly.js (4.8 MB, every trace type) when the first graph
// mounts, after the page's content has arrived and rendered. Instead, the dashboard's own
// partial bundle (1.3 MB: the trace types it draws, built by tools/plotly_bundle) is started
// at the first idle moment after the renderer has asked for the layout. Until it has run,
// window.Plotly is a thenable that dcc.Graph's loader adopts (it resolves
// `window.Plotly || <load the script>`): one plotly.js, run once.
(function () {
    if (window.Plotly) {
        return;
    }
    const whenIdle = window.requestIdleCallback || function (run) {
        return window.setTimeout(run, 1); // Safari has no requestIdleCallback
    };

    const BUNDLE = "assets/vendor/plotly-4.1.1-dms.min.js";

    function plotlyURL() {
        const config = document.getElementById("_dash-config");
        const prefix = config ? JSON.parse(config.textContent).requests_pathname_prefix : "/";
        return prefix + BUNDLE;
    }

    const waiting = [];
    let started = false;
    const placeholder = {
        then: function (resolve, reject) {
            waiting.push([resolve, reject]);
            start(); // a graph wants it now: no more waiting for an idle moment
        },
    };

    function start() {
        if (started) {
            return;
        }
        started = true;
        const script = document.createElement("script");
        script.src = plotlyURL();
        script.async = true;
        script.onload = function () {
            waiting.forEach(function (pair) {
                pair[0]();
            });
        };
        script.onerror = function (error) {
            if (window.Plotly === placeholder) {
                delete window.Plotly;
            }
            waiting.forEach(function (pair) {
                pair[1](error);
            });
        };
        document.head.appendChild(script);
    }

    window.Plotly = placeholder; // replaced by the library itself when the script has run
    function soon() {
        whenIdle(start, {timeout: 500});
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", soon);
    } else {
        soon();
    }
})();
