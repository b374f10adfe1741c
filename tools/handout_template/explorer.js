// An explorer of the handout: its precomputed frames, one shown at a time, chosen by a plain
// range input (no widget code, nothing from the network).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".explorer").forEach(function (box) {
    var slider = box.querySelector(".explorer-slider");
    var setting = box.querySelector(".explorer-setting");
    var frames = box.querySelectorAll(".explorer-frame");
    function show() {
      var current = Number(slider.value);
      frames.forEach(function (frame, i) {
        frame.classList.toggle("explorer-current", i === current);
      });
      setting.textContent = frames[current].getAttribute("data-setting");
    }
    slider.addEventListener("input", show);
    show();
  });
});
