"""The 43 districts of Lima Metropolitana and the 7 of Callao, the campaign's territory."""

LIMA_DISTRICTS = (
    "Ancón", "Ate", "Barranco", "Breña", "Carabayllo", "Chaclacayo", "Chorrillos",
    "Cieneguilla", "Comas", "El Agustino", "Independencia", "Jesús María", "La Molina",
    "La Victoria", "Lima", "Lince", "Los Olivos", "Lurigancho", "Lurín", "Magdalena del Mar",
    "Miraflores", "Pachacámac", "Pucusana", "Pueblo Libre", "Puente Piedra", "Punta Hermosa",
    "Punta Negra", "Rímac", "San Bartolo", "San Borja", "San Isidro", "San Juan de Lurigancho",
    "San Juan de Miraflores", "San Luis", "San Martín de Porres", "San Miguel", "Santa Anita",
    "Santa María del Mar", "Santa Rosa", "Santiago de Surco", "Surquillo", "Villa El Salvador",
    "Villa María del Triunfo",
)
CALLAO_DISTRICTS = (
    "Callao", "Bellavista", "Carmen de la Legua Reynoso", "La Perla", "La Punta",
    "Mi Perú", "Ventanilla",
)
DISTRICTS = LIMA_DISTRICTS + CALLAO_DISTRICTS


def district_choices() -> list[tuple[str, str]]:
    """Return (value, label) pairs for a select, grouped by province in the label."""
    return [(d, d) for d in LIMA_DISTRICTS] + [(d, f"{d} (Callao)") for d in CALLAO_DISTRICTS]
