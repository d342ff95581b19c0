"""The demo data set's invented names, places and programme, as plain tables."""
from ..auth.models import Role
from ..schools.models import VenueKind
from ..workshops.models import AttendanceStatus, WorkshopStatus

# S105: the published password of the demo accounts.
DEMO_PASSWORD = "demo-yag-2026"  # noqa: S105
ADMIN_EMAIL = "admin@example.org"

STAFF = (
    (ADMIN_EMAIL, "Ana María Torres Salazar", Role.ADMIN),
    ("coordinacion@example.org", "Carla Quispe Rojas", Role.COORDINATOR),
)

# name, kind, district, address, código modular, phone
SCHOOLS = (
    ("I.E. N.° 0096 \"Mariscal Andrés Avelino Cáceres\"", VenueKind.SCHOOL,
     "San Juan de Lurigancho", "Av. Próceres de la Independencia 2150", "0327460", "01 388 2145"),
    ("I.E. N.° 2057 \"José Carlos Mariátegui\"", VenueKind.SCHOOL, "Comas",
     "Av. Túpac Amaru 1875, Collique", "0513242", "01 525 3310"),
    ("I.E. N.° 6069 \"Peruano Suizo\"", VenueKind.SCHOOL, "Villa El Salvador",
     "Sector 2, Grupo 15, Mz. F, Lt. 1", "0438812", "01 287 4401"),
    ("I.E. N.° 1190 \"Nuestra Señora de Guadalupe\"", VenueKind.SCHOOL, "Ate",
     "Jr. Los Cedros 340, Vitarte", "0652917", "01 356 0098"),
    ("I.E. N.° 3049 \"Túpac Amaru\"", VenueKind.SCHOOL, "Independencia",
     "Av. Industrial 3200, Tahuantinsuyo", "0334821", "01 522 7613"),
    ("I.E. N.° 7084 \"Perú-Japón\"", VenueKind.SCHOOL, "San Juan de Miraflores",
     "Av. Los Héroes 1050, Pamplona Alta", "0511706", "01 276 3382"),
    ("I.E. N.° 2025 \"Los Olivos de Pro\"", VenueKind.SCHOOL, "Los Olivos",
     "Calle Las Amapolas 215, Pro", "0781245", "01 533 9184"),
    ("I.E. N.° 5130 \"Santa Rosa de Lima\"", VenueKind.SCHOOL, "Ventanilla",
     "Av. La Playa s/n, Pachacútec", "0947360", "01 553 2871"),
    ("I.E. N.° 1249 \"Inca Garcilaso de la Vega\"", VenueKind.SCHOOL, "El Agustino",
     "Jr. Ancash 1760, Catalina Huanca", "0308577", "01 327 1466"),
    ("I.E. N.° 6152 \"Señor de los Milagros\"", VenueKind.SCHOOL, "Villa María del Triunfo",
     "Av. Pachacútec 4400, José Gálvez", "0660381", "01 281 5539"),
    ("Centro Comunitario \"Juventud Activa\"", VenueKind.COMMUNITY_CENTRE, "Rímac",
     "Jr. Chiclayo 645, Leticia", None, "01 481 2290"),
    ("Casa de la Juventud del Callao", VenueKind.COMMUNITY_CENTRE, "Callao",
     "Av. Sáenz Peña 1290", None, "01 429 6610"),
)

# school index, first day offset, last day offset, reason
BLACKOUTS = (
    (0, 18, 22, "Exámenes bimestrales"),
    (1, 9, 9, "Aniversario del colegio"),
    (2, 30, 31, "Juegos Florales"),
    (6, -3, -1, "Jornada de reflexión docente"),
)

# alias, legal name, topics, bio, renewal offset, excluded districts, teacher, group only
SPEAKERS = (
    ("Hermano Lucho", "Luis Alberto Quispe Mamani", "salida de pandillas, proyecto de vida",
     "Creció en Zárate y pasó diez años en una pandilla. Hoy es educador comunitario y "
     "acompaña a jóvenes que quieren dejar la violencia.", 300, (), False, False),
    ("La Flaca Rosa", "Rosa Elvira Huamán Ccori", "violencia de género, maternidad adolescente",
     "Dejó el barrio después de perder a su hermano. Trabaja con madres jóvenes en el Rímac.",
     200, ("Comas", "Independencia"), False, True),
    ("El Profe Beto", "Alberto Ramos Villanueva", "armas de fuego, consecuencias legales",
     "Cumplió condena por robo agravado. Estudió educación en el penal y hoy enseña.",
     20, (), True, False),
    ("Chino Martín", "Martín Yupanqui Salas", "cultura de paz, deporte",
     "Entrenador de fútbol en Ate; usa el deporte para alejar a los chicos de las barras.",
     400, (), False, False),
    ("Hermana Gladys", "Gladys Poma Quispe", "familia, adicciones",
     "Madre de un joven asesinado en una pelea de pandillas. Habla de duelo y perdón.",
     150, (), False, False),
    ("Tío Walter", "Walter Chumpitaz Rojas", "barras bravas, salida de pandillas",
     "Ex barrista. Coordina un taller de serigrafía para jóvenes del Callao.",
     -10, (), False, False),
)

FIRST_NAMES = (
    "María", "Lucía", "Camila", "Valeria", "Daniela", "Ximena", "Alejandra", "Fernanda",
    "Nicole", "Luz", "Milagros", "Kiara", "Yesenia", "Andrea", "Sofía", "Mariana", "Brenda",
    "Jimena", "Fiorella", "Ariana", "José", "Luis", "Carlos", "Jorge", "Miguel", "Diego",
    "Kevin", "Brayan", "Anthony", "Renzo", "Piero", "Jean Pierre", "Sebastián", "Alonso",
    "Jesús", "Franco", "Gustavo", "Aldair", "Joel", "Jhon",
)
SURNAMES = (
    "Quispe", "Mamani", "Huamán", "Flores", "Rojas", "Sánchez", "García", "Chávez", "Ramos",
    "Vargas", "Torres", "Mendoza", "Castillo", "Gutiérrez", "Díaz", "Ccori", "Condori", "Poma",
    "Yupanqui", "Salazar", "Paredes", "Espinoza", "Vásquez", "Cárdenas", "Huanca", "Apaza",
    "Tello", "Ríos", "Cruz", "Lozano",
)
INTERESTS = ("fútbol", "música", "dibujo", "vóley", "baile", "videojuegos", "cocina",
             "lectura", "skate", "computación", "teatro", "ciclismo")
ACTIVITIES = ("Conversación sobre metas del bimestre", "Repaso de matemáticas en la biblioteca",
              "Partido de fúlbito y conversación", "Visita a la feria vocacional",
              "Llamada de seguimiento", "Taller de currículum y entrevistas",
              "Paseo por el Parque de la Muralla")

# key, title, topic, school index, speaker indexes, day offset, start hour, status, roster size
WORKSHOPS = (
    ("w1", "Decidir a tiempo: historias de salida", "salida de pandillas", 0, (0,), -42, 8,
     WorkshopStatus.CLOSED, 32),
    ("w2", "Cultura de paz en el aula", "cultura de paz", 1, (3,), -35, 10,
     WorkshopStatus.CLOSED, 28),
    ("w3", "Pandillas: lo que nadie te cuenta", "prevención", 2, (4, 2), -21, 8,
     WorkshopStatus.CLOSED, 35),
    ("w4", "Decidir a tiempo: historias de salida", "salida de pandillas", 0, (0,), -7, 10,
     WorkshopStatus.HELD, 25),
    ("w5", "Madres jóvenes, barrios seguros", "violencia de género", 10, (1,), -4, 16,
     WorkshopStatus.HELD, 18),
    ("w6", "Barras bravas: la otra cara", "barras bravas", 4, (5,), -14, 10,
     WorkshopStatus.CANCELLED, 0),
    ("w7", "Proyecto de vida sin violencia", "proyecto de vida", 0, (0,), 6, 8,
     WorkshopStatus.SCHEDULED, 30),
    ("w8", "El deporte como salida", "cultura de paz", 3, (3, 4), 8, 10,
     WorkshopStatus.SCHEDULED, 22),
    ("w9", "Armas de fuego: consecuencias reales", "armas de fuego", 6, (2,), 12, 15,
     WorkshopStatus.SCHEDULED, 20),
    ("w10", "Decidir a tiempo: historias de salida", "salida de pandillas", 7, (0,), 15, 9,
     WorkshopStatus.SCHEDULED, 15),
    ("w11", "Familias que protegen", "familia", 9, (1,), 25, 10, WorkshopStatus.DRAFT, 0),
)
GRADES = ("3.º de secundaria", "4.º de secundaria", "5.º de secundaria")
# Roughly how attendance falls at a school workshop.
ATTENDANCE_WEIGHTS = {AttendanceStatus.PRESENT: 80, AttendanceStatus.LATE: 8,
                      AttendanceStatus.EXCUSED: 5, AttendanceStatus.ABSENT: 7}

# email, name, district, stage; demo/mentoring.py builds each stage.
MENTORS = (
    ("mentor@example.org", "Diego Fernández Castillo", "San Juan de Lurigancho", "ready"),
    ("patricia.vargas@example.org", "Patricia Vargas León", "Comas", "ready"),
    ("ricardo.salas@example.org", "Ricardo Salas Ortiz", "Villa El Salvador", "ready"),
    ("milagros.cardenas@example.org", "Milagros Cárdenas Ruiz", "Ate", "ready"),
    ("fernando.ccahuana@example.org", "Fernando Ccahuana Pari", "Los Olivos", "applied"),
    ("lucia.espinoza@example.org", "Lucía Espinoza Tello", "Rímac", "interviewed"),
    ("andres.gutierrez@example.org", "Andrés Gutiérrez Mejía", "Independencia", "checked"),
    ("sofia.ramirez@example.org", "Sofía Ramírez Chávez", "Callao", "expired"),
    ("javier.torres@example.org", "Javier Torres Núñez", "El Agustino", "inactive"),
    ("carmen.aguilar@example.org", "Carmen Rosa Aguilar Ramos", "San Miguel", "references"),
)
