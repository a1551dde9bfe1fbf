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
    let pending = false;
    function soon() {
        if (!pending) {
            pending = true;
            window.requestAnimationFrame(function () {
                pending = false;
                markAll();
            });
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
