// A table wider than the screen says so: the class `is-scrollable` on its scrolling box
// shows a fade at the edge that hides more columns (assets/phone.css), and `at-end` drops
// it once the reader has scrolled to the last column.
(function () {
    function mark(box) {
        const scrollable = box.scrollWidth > box.clientWidth + 1;
        box.classList.toggle("is-scrollable", scrollable);
        box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    }
    function markAll() {
        document.querySelectorAll(".table-responsive").forEach(mark);
    }
    // Measuring a box lays the page out: done when the browser is idle, so a page that is
    // still drawing its charts is not laid out once more in between.
    const whenIdle = window.requestIdleCallback || function (run) {
        return window.setTimeout(run, 50); // Safari has no requestIdleCallback
    };
    let pending = false;
    function soon() {
        if (!pending) {
            pending = true;
            whenIdle(function () {
                pending = false;
                markAll();
            }, {timeout: 1000});
        }
    }
    document.addEventListener("scroll", function (event) {
        if (event.target.classList && event.target.classList.contains("table-responsive")) {
            mark(event.target);
        }
    }, true);
    window.addEventListener("resize", soon);
    new MutationObserver(soon).observe(document.documentElement, { childList: true, subtree: true });
})();
