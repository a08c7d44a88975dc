#!/bin/sh
# Rebuild the demo lesson video and its poster (see SOURCE.md). Needs ffmpeg with
# libx264, libfreetype and fontconfig, and the Noto Sans CJK SC font (Debian:
# apt-get install ffmpeg fonts-noto-cjk). A dev-time tool: the app never runs it.
set -eu
cd "$(dirname "$0")"

# Six title cards of 2.5 s: a red band on top, a headline, one line under it, and a
# bar along the bottom that fills up over the 15 s.
# drawtext reads a fontfile that is not a file as a fontconfig pattern; the colon
# in it is escaped twice (filtergraph, then option level): this picks the SC face.
card() {  # start end headline line
  a="alpha='min(1,(t-$1)/0.4)':enable='between(t,$1,$2)'"
  printf "%s" ",drawtext=fontfile=Noto Sans CJK SC\\\\:style=Bold:text='$3':fontsize=40:fontcolor=0x1f2328:x=(w-tw)/2:y=140:$a"
  printf "%s" ",drawtext=font='Noto Sans CJK SC':text='$4':fontsize=22:fontcolor=0x5b6470:x=(w-tw)/2:y=210:$a"
}
count() {  # start end text
  printf "%s" ",drawtext=font='Noto Sans CJK SC':text='$3':fontsize=18:fontcolor=white:x=w-tw-24:y=16:enable='between(t,$1,$2)'"
}
GRAPH="color=c=0xf6f7f9:s=640x360:r=25:d=15[bg];color=c=0xb3261e:s=640x6:r=25:d=15[bar];"
GRAPH="$GRAPH[bg]drawbox=x=0:y=0:w=640:h=52:color=0xb3261e:t=fill"
GRAPH="$GRAPH,drawtext=font='Noto Sans CJK SC':text='连心学堂 · 办公软件与信息安全基础':fontsize=18:fontcolor=white:x=24:y=16"
GRAPH="$GRAPH$(card 0 2.5 '办公电脑安全五件事' '守好居民信息，从日常习惯做起')"
GRAPH="$GRAPH$(card 2.5 5 '① 离开座位就锁屏' 'Windows 电脑按 Win + L，一秒锁定')$(count 2.5 5 '1 / 5')"
GRAPH="$GRAPH$(card 5 7.5 '② 密码不共用、不外借' '一人一个账号，密码不写在便利贴上')$(count 5 7.5 '2 / 5')"
GRAPH="$GRAPH$(card 7.5 10 '③ 居民信息不进聊天群' '台账加密存放，只用单位指定的渠道传递')$(count 7.5 10 '3 / 5')"
GRAPH="$GRAPH$(card 10 12.5 '④ 陌生链接先核实' '“补贴发放”“紧急通知”，先打电话问来源')$(count 10 12.5 '4 / 5')"
GRAPH="$GRAPH$(card 12.5 15 '⑤ 重要文件定期备份' '存两份、放两处，系统补丁按时安装')$(count 12.5 15 '5 / 5')"
GRAPH="$GRAPH[cards];[cards][bar]overlay=x='-640+640*t/15':y=354:shortest=1[v]"

ffmpeg -hide_banner -loglevel error -y -filter_complex "$GRAPH" -map '[v]' -an \
  -c:v libx264 -profile:v main -pix_fmt yuv420p -preset slow -tune stillimage \
  -crf 26 -g 50 -movflags +faststart -map_metadata -1 -fflags +bitexact \
  office-security-habits.mp4
# The poster is the title card, rendered from the same graph (no video artefacts).
ffmpeg -hide_banner -loglevel error -y -filter_complex "$GRAPH" -map '[v]' \
  -ss 1.5 -frames:v 1 office-security-habits-poster.png
ls -l office-security-habits.mp4 office-security-habits-poster.png
