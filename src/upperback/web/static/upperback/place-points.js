// The clinician places tragus, then C7, on a posture photo (media/detail.html).
(function () {
  var photo = document.getElementById("point-photo"), clicks = 0;
  photo.addEventListener("click", function (event) {
    var box = photo.getBoundingClientRect();
    var x = (event.clientX - box.left) * photo.naturalWidth / box.width;
    var y = (event.clientY - box.top) * photo.naturalHeight / box.height;
    var name = clicks % 2 === 0 ? "tragus" : "c7";
    document.getElementById("id_" + name + "_x").value = x.toFixed(1);
    document.getElementById("id_" + name + "_y").value = y.toFixed(1);
    document.getElementById("points-placed").textContent += name + " " + x.toFixed(0) + "," + y.toFixed(0) + " ";
    clicks += 1;
  });
})();
