// Every visible Plotly chart has drawn its SVG.
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter((c) => c.checkVisibility ? c.checkVisibility() : c.offsetParent !== null)
        .every((c) => c.querySelector('.main-svg'))
