# Makes astronaut.jpg (run from guardrail/face with Debian's /usr/bin/python3: scikit-image 0.19,
# OpenCV 4.6).
import skimage.data, cv2
a = skimage.data.astronaut()  # NASA photo of Eileen Collins, public domain
small = cv2.resize(a, (256, 256), interpolation=cv2.INTER_AREA)
cv2.imwrite('testdata/astronaut.jpg', cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
