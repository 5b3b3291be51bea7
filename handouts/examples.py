"""What `handouts init` writes for each language it has a catalog for: one
example handout in that language's own plain words, and the clinic's "when
to get help" box it includes (data only; scaffold.py writes them)."""

from __future__ import annotations

#: One example handout per language, in that language's own plain words,
#: with the clinic's "when to get help" included from BLOCKS.
EXAMPLES = {
    "en": """\
# An example handout. Copy this file to start a new one: the file name is the
# handout's name (lower-case letters, digits and dashes). Plain words, short
# sentences: `handouts check` shows the reading grade (aim for 6 or below).
# Every medical statement should rest on a source you cite below. Have your
# own clinicians review the words before you give them out.

title: Night leg cramps                     # required; at most 90 characters
summary: Leg cramps at night are common. Most are harmless and have no clear cause.   # required: the main message
next_review: {next_review}                  # optional: when to look at it again
# No date of review here: a clinician approves the words with `handouts approve`
# (see docs/content.md); until then the page says "Draft: not yet reviewed".
sections:                                   # 1 to 6; 3 or 4 fit best
  - heading: What is a leg cramp?
    body: |
      A muscle in your leg, often the calf, suddenly gets tight and hurts.
      Most cramps stop within minutes. They get more common with age.
  - heading: What you can do
    bullets:                                # one item per line
      - During a cramp, sit with your leg straight and pull your toes up toward your knee.
      - Stand slowly and hold something steady.
      - Tell your doctor all your medicines. Do not stop one on your own.
callout:                                    # optional: the "when to get help" box
  include: when-to-get-help                 # the clinic's red flags: content/blocks/en/when-to-get-help.yaml
  bullets:                                  # optional: this handout's own lines, after the block's
    - "Same day: a cramp over 10 minutes, or cramp-like pain that stays or comes with swelling, warmth or redness."
keywords: [leg cramps, night cramps]        # optional; for the PDF's details
sources:                                    # where the facts come from: publisher, title, year
  - "NHS: Leg cramps, 2023"
  - "MedlinePlus (NLM): Muscle cramps, 2024"
codes:                                      # optional: the diagnoses it is for, so the EHR finds it
  icd10cm: [G47.62]                         # (ICD-10-CM, and snomed: for SNOMED CT); see docs/ehr.md
""",
    "es": """\
# Un ejemplo de hoja. Copie este archivo para empezar otra: el nombre del
# archivo es el nombre de la hoja (minúsculas, números y guiones). Palabras
# sencillas y frases cortas. Cada dato médico debe venir de una fuente que
# cite abajo. Pida a su equipo clínico que revise el texto antes de usarlo.

title: Calambres en las piernas de noche    # obligatorio
summary: Los calambres de noche son comunes. La mayoría no son graves ni tienen una causa clara.   # obligatorio: el mensaje principal
next_review: {next_review}                  # opcional
# translated_from: sha256:...               # el texto en inglés del que se tradujo:
#                                           # `handouts check` le da la línea exacta
sections:                                   # de 1 a 6
  - heading: ¿Qué es un calambre?
    body: |
      Un músculo de la pierna, casi siempre la pantorrilla, se pone duro y
      duele de repente. Suele pasar en minutos. Es más común con la edad.
  - heading: Lo que usted puede hacer
    bullets:
      - Siéntese con la pierna estirada y jale los dedos del pie hacia usted.
      - Levántese despacio y agárrese de algo firme.
      - Dígale al médico qué medicinas toma. No deje ninguna por su cuenta.
callout:
  include: when-to-get-help                 # las señales de alarma: content/blocks/es/when-to-get-help.yaml
  bullets:                                  # opcional: las líneas propias de esta hoja
    - "El mismo día: un calambre de más de 10 minutos. También un dolor tipo calambre que no se quita, o con hinchazón, calor o enrojecimiento."
keywords: [calambres, calambres de noche]
sources:                                    # de dónde vienen los datos: quién, título, año
  - "MedlinePlus (NLM): Calambres musculares, 2024"
  - "NHS: Leg cramps, 2023 (en inglés)"
""",
    "vi": """\
# Một tờ thông tin mẫu. Chép tệp này để bắt đầu tờ mới: tên tệp là tên của tờ
# (chữ thường, số và gạch ngang). Từ ngữ đơn giản, câu ngắn. Machine-drafted
# translation, not yet reviewed by a qualified medical translator: have one
# review it before you give it out (docs/languages.md).

title: Chuột rút ở chân về đêm              # bắt buộc
summary: Chuột rút về đêm hay gặp. Phần lớn vô hại và không rõ nguyên nhân.   # bắt buộc: ý chính
next_review: {next_review}                  # không bắt buộc
# translated_from: sha256:...               # bản tiếng Anh gốc đã dịch:
#                                           # `handouts check` cho dòng chính xác
sections:                                   # từ 1 đến 6
  - heading: Chuột rút là gì?
    body: |
      Một cơ ở chân, thường là bắp chân, bỗng co cứng và đau.
      Phần lớn hết sau vài phút. Càng lớn tuổi càng hay gặp.
  - heading: Quý vị có thể làm gì
    bullets:
      - Khi bị chuột rút, ngồi duỗi thẳng chân, kéo ngón chân về phía đầu gối.
      - Đứng lên từ từ và vịn vào vật gì chắc chắn.
      - Báo bác sĩ mọi thuốc quý vị dùng. Đừng tự ngưng thuốc.
callout:
  include: when-to-get-help                 # dấu hiệu nguy hiểm: content/blocks/vi/when-to-get-help.yaml
  bullets:                                  # không bắt buộc: các dòng riêng của tờ này
    - "Trong ngày: chuột rút quá 10 phút. Hoặc đau kiểu chuột rút không hết, hay kèm sưng, nóng, đỏ."
keywords: [chuột rút, chuột rút về đêm]
sources:                                    # dữ kiện lấy từ đâu: ai, tên bài, năm
  - "MedlinePlus (NLM): Muscle cramps, 2024 (tiếng Anh)"
  - "NHS: Leg cramps, 2023 (tiếng Anh)"
""",
    "zh-Hans": """\
# 资料单示例。复制这个文件来写新的资料单：文件名就是资料单的名称（小写字母、
# 数字和连字符）。用词浅白，句子简短。Machine-drafted translation, not yet
# reviewed by a qualified medical translator: have one review it before you
# give it out (docs/languages.md).

title: 夜间腿抽筋                           # 必填
summary: 夜里腿抽筋很常见。大多数没有害处，也找不到明确的原因。   # 必填：主要信息
next_review: {next_review}                  # 可选
# translated_from: sha256:...               # 翻译所依据的英文内容：
#                                           # `handouts check` 会给出这一行
sections:                                   # 1到6节
  - heading: 什么是腿抽筋？
    body: |
      腿上的一块肌肉（常是小腿）突然变硬、疼痛。
      大多数几分钟内就会停止。年纪越大越常见。
  - heading: 您可以怎么做
    bullets:
      - 抽筋时，坐下把腿伸直，把脚趾往膝盖的方向扳。
      - 慢慢站起来，扶住稳固的东西。
      - 把您吃的所有药都告诉医生。不要自己停药。
callout:
  include: when-to-get-help                 # 危险信号：content/blocks/zh-Hans/when-to-get-help.yaml
  bullets:                                  # 可选：这份资料单自己的几行
    - "当天就医：抽筋超过10分钟；像抽筋的痛一直不消，或伴有肿、发烫、发红。"
keywords: [腿抽筋, 夜间抽筋]
sources:                                    # 资料来源：出处、标题、年份
  - "MedlinePlus (NLM): Muscle cramps, 2024（英文）"
  - "NHS: Leg cramps, 2023（英文）"
""",
    "ar": """\
# نشرة مثال. انسخ هذا الملف لتبدأ نشرة جديدة: اسم الملف هو اسم النشرة
# (حروف لاتينية صغيرة وأرقام وشرطات). كلمات بسيطة وجمل قصيرة. Machine-drafted
# translation, not yet reviewed by a qualified medical translator: have one
# review it before you give it out (docs/languages.md). Printed right to left.

title: تقلصات الساق الليلية                 # مطلوب
summary: تقلصات الساق في الليل شائعة. معظمها غير ضار وليس له سبب واضح.   # مطلوب: الرسالة الرئيسية
next_review: {next_review}                  # اختياري
# translated_from: sha256:...               # النص الإنجليزي الذي ترجم منه:
#                                           # `handouts check` يعطي السطر الصحيح
sections:                                   # من 1 إلى 6
  - heading: ما هو تقلص الساق؟
    body: |
      تشتد عضلة في الساق فجأة وتؤلم، وغالبا عضلة بطة الساق.
      يزول معظمها خلال دقائق. ويزيد حدوثها مع التقدم في العمر.
  - heading: ما يمكنك فعله
    bullets:
      - أثناء التقلص، اجلس وساقك ممدودة، واسحب أصابع قدمك نحو ركبتك.
      - قف ببطء وأمسك بشيء ثابت.
      - أخبر طبيبك بكل أدويتك. لا توقف أي دواء من تلقاء نفسك.
callout:
  include: when-to-get-help                 # علامات الخطر: content/blocks/ar/when-to-get-help.yaml
  bullets:                                  # اختياري: أسطر هذه النشرة الخاصة
    - "في اليوم نفسه: تقلص يستمر أكثر من 10 دقائق. أو ألم يشبه التقلص لا يزول، أو يأتي مع تورم أو سخونة أو احمرار."
keywords: [تقلصات الساق, تقلصات ليلية]
sources:                                    # مصدر المعلومات: الناشر والعنوان والسنة
  - "MedlinePlus NLM: Muscle cramps, 2024, بالإنجليزية"
  - "NHS: Leg cramps, 2023, بالإنجليزية"
""",
}


#: The clinic's "when to get help", written once per language and included
#: by every handout (``callout: {include: when-to-get-help}``).
BLOCKS = {
    "en": """\
# Your clinic's "when to get help" box, written once for every English
# handout; each one includes it with  callout: {include: when-to-get-help}.
# A fix to a red flag is then one edit here. These are drafts from NHS and
# MedlinePlus patient pages: have your clinicians review them.

heading: When to get help
bullets:
  - "Call 911: sudden shortness of breath, chest pain or coughing up blood. It may be a clot in the lung."
  - "Same day: one leg is swollen, painful, warm, or red or darker than usual. It is new for you and may build over hours or days. It may be a blood clot (DVT)."
  - "Same-day care: call us. If we are closed, go to urgent care or the emergency room."
  - "If a varicose vein bleeds, lie down, raise the leg above your heart and press hard on it. Call 911 if it still bleeds after 10 minutes, above all on a blood thinner."
  - "Same day: a sore with spreading redness or darker skin, warmth, pus or fever."
  - "Call us: a sore that has not healed in about 2 weeks."
""",
    "es": """\
# El recuadro "Cuándo pedir ayuda" de su clínica, escrito una vez para todas
# las hojas en español; cada una lo incluye con  callout: {include: when-to-get-help}.
# Son borradores a partir de páginas del NHS y MedlinePlus: pida a su equipo
# clínico que los revise.

heading: Cuándo pedir ayuda
bullets:
  - "Llame al 911 si de repente le falta el aire, le duele el pecho o tose sangre. Puede ser un coágulo en el pulmón."
  - "El mismo día: una pierna hinchada, con dolor, caliente, o más roja u oscura de lo normal. Es nuevo y puede empeorar en horas o días. Puede ser un coágulo (trombosis)."
  - "Atención el mismo día: llámenos. Si estamos cerrados, vaya a atención urgente o a emergencias."
  - "Si sangra una várice: acuéstese, suba la pierna más arriba del corazón y apriete fuerte. Llame al 911 si sangra más de 10 minutos, sobre todo si toma anticoagulantes."
  - "El mismo día: una llaga con enrojecimiento o piel más oscura que se extiende, calor, pus o fiebre."
  - "Llámenos: una llaga que no ha sanado en unas 2 semanas."
""",
    "vi": """\
# Ô "Khi nào cần được giúp" của phòng khám, viết một lần cho mọi tờ tiếng Việt;
# mỗi tờ đưa ô này vào bằng  callout: {include: when-to-get-help}.
# Machine-drafted translation, not yet reviewed by a qualified medical
# translator (docs/languages.md); have your clinicians review it too.

heading: Khi nào cần được giúp
bullets:
  - "Gọi 911: đột nhiên khó thở, đau ngực hoặc ho ra máu. Có thể là cục máu đông ở phổi."
  - "Trong ngày: một chân mới bị sưng, đau, nóng, hoặc đỏ hay sẫm hơn thường lệ. Dấu hiệu có thể tăng dần trong vài giờ hay vài ngày. Có thể là cục máu đông (DVT)."
  - "Cần khám trong ngày: gọi cho chúng tôi. Nếu đóng cửa, hãy đến phòng khám khẩn cấp hoặc phòng cấp cứu."
  - "Tĩnh mạch giãn chảy máu: nằm xuống, gác chân cao hơn tim, ấn mạnh lên chỗ đó. Gọi 911 nếu sau 10 phút vẫn chảy, nhất là khi dùng thuốc chống đông."
  - "Trong ngày: vết loét có vùng đỏ hay sẫm màu lan rộng, nóng, có mủ hoặc sốt."
  - "Gọi cho chúng tôi: vết loét chưa lành sau khoảng 2 tuần."
""",
    "zh-Hans": """\
# 诊所的“什么时候需要就医”框，为每一份中文资料单写一次；
# 每份资料单用  callout: {include: when-to-get-help}  引用它。
# Machine-drafted translation, not yet reviewed by a qualified medical
# translator (docs/languages.md); have your clinicians review it too.

heading: 什么时候需要就医
bullets:
  - "拨打911：突然呼吸困难、胸痛或咳血。这可能是肺里有血栓。"
  - "当天就医：一条腿肿、痛、发烫，或比平时红、颜色变深。以前没有过这种情况，可能在几小时或几天里加重。这可能是腿里有血栓（DVT）。"
  - "需要当天就医：请打电话给我们。我们下班时，请去急症诊所（urgent care）或急诊室。"
  - "如果曲张的静脉出血：躺下，把腿抬到比心脏高，用力按住出血的地方。按了10分钟还在出血，请拨打911，尤其是在吃抗凝血药的人。"
  - "当天就医：腿上的伤口周围发红或颜色变深并在扩大，或发烫、流脓、发烧。"
  - "请打电话给我们：伤口大约2周还没有愈合。"
""",
    "ar": """\
# مربع "متى تطلب المساعدة" للعيادة، مكتوب مرة واحدة لكل نشرة عربية؛
# تضمه كل نشرة بـ  callout: {include: when-to-get-help}.
# Machine-drafted translation, not yet reviewed by a qualified medical
# translator (docs/languages.md); have your clinicians review it too.

heading: متى تطلب المساعدة
bullets:
  - "اتصل بالرقم 911 فورا عند: ضيق مفاجئ في التنفس، أو ألم في الصدر، أو سعال مع دم. قد تكون جلطة في الرئة."
  - "في اليوم نفسه: ساق واحدة متورمة أو مؤلمة أو ساخنة، أو حمراء أو أغمق من المعتاد. وهو جديد وقد يزيد خلال ساعات أو أيام. قد تكون جلطة دموية DVT."
  - "للرعاية في اليوم نفسه: اتصل بنا. إذا كنا مغلقين، فاذهب إلى الرعاية العاجلة أو قسم الطوارئ."
  - "إذا نزف وريد من الدوالي: استلق، وارفع ساقك فوق قلبك، واضغط عليه بقوة. اتصل بالرقم 911 إذا استمر النزيف بعد 10 دقائق، خاصة مع دواء مميع للدم."
  - "في اليوم نفسه: قرحة حولها احمرار يتسع أو جلد أغمق، أو سخونة، أو صديد، أو حمى."
  - "اتصل بنا: قرحة لم تلتئم بعد نحو أسبوعين."
""",
}
