// One URL state: a page writes its filters into the address without reloading, so the
// language links are pointed at the address shown when they are used (filters kept), and
// the tab title and <html lang> follow the frame's language (#frame-meta).
(function () {
    function viewIn(lang) {
        const params = new URLSearchParams(window.location.search);
        params.delete("lang");
        if (lang && lang !== "sq") {
            params.set("lang", lang);
        }
        const query = params.toString();
        return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    }

    function pointLanguageLink(event) {
        const link = event.target.closest && event.target.closest("a.lang-link");
        if (link) {
            link.href = viewIn(link.getAttribute("hreflang"));
        }
    }
    ["mouseover", "mousedown", "touchstart", "focusin", "click"].forEach(function (name) {
        document.addEventListener(name, pointLanguageLink, true);
    });

    function applyMeta() {
        const meta = document.getElementById("frame-meta");
        if (!meta) {
            return;
        }
        const lang = meta.getAttribute("data-lang");
        const title = meta.getAttribute("data-title");
        if (lang && document.documentElement.lang !== lang) {
            document.documentElement.lang = lang;
        }
        if (title && document.title !== title) {
            document.title = title;
        }
    }
    // Dash sets the tab title from the page registry after each render; the frame's title
    // (in the reader's language) is put back whenever the page or the title changes.
    new MutationObserver(applyMeta).observe(document.documentElement, {
        childList: true,
        subtree: true,
        characterData: true,
    });
    document.addEventListener("DOMContentLoaded", applyMeta);
})();
