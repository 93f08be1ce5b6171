namespace FieldSync.LocalHost.DemoData;

/// <summary>The kind of equipment a work order is about; picks its parts, tasks and problem descriptions.</summary>
internal enum EquipmentDomain
{
    Hvac,
    Heating,
    Elevator,
}

internal enum WorkKind
{
    Maintenance,
    Repair,
    Installation,
}

internal sealed record AccountSeed(
    string Name, string Domain, string Street, string City, string PostalCode, string PhonePrefix, double Latitude, double Longitude, bool Preferred);

internal sealed record ProductSeed(
    string Number, string Name, string Description, int ProductType, decimal ListPrice, string Unit, EquipmentDomain? Domain, bool Equipment = false);

internal sealed record TaskSeed(string Name, string TaskType, long EstimatedMinutes, string Description);

/// <summary>
/// Hand-written reference content for the demo data set: fictional companies (Microsoft's sample names)
/// at plausible UK addresses, an HVAC / heating / elevator product catalogue, and task templates.
/// Phone numbers use Ofcom's drama ranges (xxx 496 0xxx), so none of them ring anyone.
/// </summary>
internal static class DemoCatalog
{
    public const int Inventory = 690970000;
    public const int NonInventory = 690970001;
    public const int Service = 690970002;

    public static readonly AccountSeed[] Accounts =
    [
        new("Contoso Pharmaceuticals", "contoso.com", "14 Kings Road", "Reading", "RG1 3AR", "+44 118 496 0", 51.4560, -0.9640, true),
        new("Fabrikam Manufacturing", "fabrikam.com", "Unit 7, Trafford Park Road", "Manchester", "M17 1HG", "+44 161 496 0", 53.4700, -2.3200, false),
        new("Northwind Traders", "northwindtraders.com", "22 Wharf Street", "Leeds", "LS2 7EQ", "+44 113 496 0", 53.7960, -1.5380, false),
        new("Adventure Works Cycles", "adventure-works.com", "3 Temple Quay", "Bristol", "BS1 6DZ", "+44 117 496 0", 51.4510, -2.5820, false),
        new("Woodgrove Bank", "woodgrovebank.com", "1 Canada Square", "London", "E14 5AB", "+44 20 7946 0", 51.5050, -0.0195, true),
        new("Alpine Ski House", "alpineskihouse.com", "48 Queen Street", "Edinburgh", "EH2 3NH", "+44 131 496 0", 55.9540, -3.2000, false),
        new("Coho Winery", "cohowinery.com", "9 Vineyard Lane", "Guildford", "GU1 3XL", "+44 1632 960", 51.2360, -0.5700, false),
        new("Fourth Coffee", "fourthcoffee.com", "110 Deansgate", "Manchester", "M3 2GP", "+44 161 496 0", 53.4800, -2.2480, false),
        new("Lamna Healthcare", "lamnahealthcare.com", "Lamna House, 5 Hospital Road", "Birmingham", "B15 2TH", "+44 121 496 0", 52.4530, -1.9400, true),
        new("Litware Inc.", "litwareinc.com", "Science Park, 200 Milton Road", "Cambridge", "CB4 0GZ", "+44 1632 960", 52.2340, 0.1450, false),
        new("Tailspin Toys", "tailspintoys.com", "17 Castle Boulevard", "Nottingham", "NG7 1FT", "+44 115 496 0", 52.9470, -1.1530, false),
        new("Wide World Importers", "wideworldimporters.com", "Dock Road, Royal Portbury", "Bristol", "BS20 7XQ", "+44 117 496 0", 51.4950, -2.7200, true),
    ];

    public static readonly string[] FirstNames =
    [
        "Amelia", "Oliver", "Priya", "James", "Sofia", "Mohammed", "Charlotte", "Liam", "Hannah", "Tomasz", "Grace", "Daniel",
        "Aisha", "George", "Emily", "Kwame", "Isla", "Harry", "Mei", "Jack", "Olivia", "Rhys", "Zara", "Callum",
    ];

    public static readonly string[] LastNames =
    [
        "Patel", "Smith", "Jones", "Nowak", "Williams", "Khan", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
        "Chen", "Roberts", "Walker", "Okafor", "Wright", "Hughes", "Murray", "Campbell", "Edwards", "Kaur", "Green", "Hall",
    ];

    public static readonly string[] JobTitles =
    [
        "Facilities Manager", "Site Supervisor", "Building Services Engineer", "Office Manager", "Maintenance Lead",
        "Operations Director", "Estates Coordinator", "Health and Safety Officer",
    ];

    public static readonly (string Name, string Email)[] Technicians =
    [
        ("Ryan Fletcher", "ryan.fletcher@fieldsync.example"),
        ("Aoife Gallagher", "aoife.gallagher@fieldsync.example"),
        ("Samir Haddad", "samir.haddad@fieldsync.example"),
        ("Jessica Owusu", "jessica.owusu@fieldsync.example"),
        ("Marek Kowalski", "marek.kowalski@fieldsync.example"),
    ];

    public static readonly ProductSeed[] Products =
    [
        // Equipment that customer assets are instances of.
        new("CA-RTU-5000", "AirFlow RTU-5000 Rooftop Unit", "Packaged rooftop heating and cooling unit, 15 kW, R-410A.", Inventory, 12500.00m, "Each", EquipmentDomain.Hvac, Equipment: true),
        new("CA-CB-45", "ThermaHeat CB-45 Condensing Boiler", "45 kW wall-hung condensing gas boiler for commercial premises.", Inventory, 3200.00m, "Each", EquipmentDomain.Heating, Equipment: true),
        new("CA-CH-200", "ChillMax 200 Air-Cooled Chiller", "200 kW air-cooled scroll chiller with integrated hydronic kit.", Inventory, 48000.00m, "Each", EquipmentDomain.Hvac, Equipment: true),
        new("CA-MRL-1000", "VertiLift MRL-1000 Passenger Elevator", "Machine-room-less traction passenger elevator, 1000 kg / 13 persons.", Inventory, 65000.00m, "Each", EquipmentDomain.Elevator, Equipment: true),
        new("CA-SPL-12", "CoolSplit 12 Ductless Split System", "12,000 BTU wall-mounted split system for comms and server rooms.", Inventory, 2100.00m, "Each", EquipmentDomain.Hvac, Equipment: true),
        new("CA-UVC-300", "AquaHeat 300L Unvented Cylinder", "300 litre indirect unvented hot water cylinder.", Inventory, 1450.00m, "Each", EquipmentDomain.Heating, Equipment: true),
        new("CA-AHU-20", "VentPro AHU-20 Air Handling Unit", "Modular air handling unit with heat recovery wheel, 2 m3/s.", Inventory, 18500.00m, "Each", EquipmentDomain.Hvac, Equipment: true),
        new("CA-HP-14", "HeatWave HP-14 Air Source Heat Pump", "14 kW monobloc air source heat pump.", Inventory, 7800.00m, "Each", EquipmentDomain.Heating, Equipment: true),
        new("CA-TR-630", "VertiLift TR-630 Goods Lift", "Traction goods lift, 630 kg, two-panel side-opening doors.", Inventory, 42000.00m, "Each", EquipmentDomain.Elevator, Equipment: true),

        // HVAC parts.
        new("HV-FLT-2025", "Pleated Air Filter 20x25x4 MERV 13", "High-efficiency pleated filter for rooftop units and air handlers.", Inventory, 28.50m, "Each", EquipmentDomain.Hvac),
        new("HV-BLT-A48", "V-Belt A48", "Blower drive belt.", Inventory, 14.75m, "Each", EquipmentDomain.Hvac),
        new("HV-MTR-050", "Condenser Fan Motor 1/2 HP", "230 V single-phase condenser fan motor, 825 rpm.", Inventory, 215.00m, "Each", EquipmentDomain.Hvac),
        new("HV-CAP-455", "Run Capacitor 45/5 uF", "Dual run capacitor for compressor and fan motor.", Inventory, 22.40m, "Each", EquipmentDomain.Hvac),
        new("HV-CON-240", "Contactor 2-Pole 40A", "24 V coil definite-purpose contactor.", Inventory, 38.90m, "Each", EquipmentDomain.Hvac),
        new("HV-REF-410", "Refrigerant R-410A", "R-410A refrigerant, sold by the kilogram.", Inventory, 42.00m, "kg", EquipmentDomain.Hvac),
        new("HV-REF-032", "Refrigerant R-32", "R-32 refrigerant, sold by the kilogram.", Inventory, 36.00m, "kg", EquipmentDomain.Hvac),
        new("HV-TXV-003", "Thermostatic Expansion Valve", "Adjustable TXV, 3 ton.", Inventory, 165.00m, "Each", EquipmentDomain.Hvac),
        new("HV-TST-PRG", "Programmable Thermostat", "7-day programmable thermostat with remote sensor input.", Inventory, 129.00m, "Each", EquipmentDomain.Hvac),
        new("HV-CLN-500", "Coil Cleaner Spray", "Foaming non-acid coil cleaner, 500 ml.", NonInventory, 11.90m, "Each", EquipmentDomain.Hvac),
        new("HV-LKD-250", "Leak Detection Fluid", "Bubble leak detector, 250 ml.", NonInventory, 8.50m, "Each", EquipmentDomain.Hvac),

        // Heating parts.
        new("HT-IGN-045", "Boiler Ignition Electrode", "Spark ignition electrode with gasket.", Inventory, 34.50m, "Each", EquipmentDomain.Heating),
        new("HT-FLS-045", "Flame Sensor Rod", "Flame rectification sensor.", Inventory, 27.80m, "Each", EquipmentDomain.Heating),
        new("HT-GSV-045", "Gas Valve Assembly", "Modulating gas valve for 30-60 kW boilers.", Inventory, 289.00m, "Each", EquipmentDomain.Heating),
        new("HT-PMP-2560", "Circulating Pump 25-60", "Variable speed heating circulator.", Inventory, 245.00m, "Each", EquipmentDomain.Heating),
        new("HT-EXP-018", "Expansion Vessel 18L", "Heating expansion vessel, 18 litre, 1 bar pre-charge.", Inventory, 68.00m, "Each", EquipmentDomain.Heating),
        new("HT-PRV-003", "Pressure Relief Valve 3 bar", "15 mm pressure relief valve.", Inventory, 31.20m, "Each", EquipmentDomain.Heating),
        new("HT-GSK-045", "Heat Exchanger Gasket Kit", "Burner door and heat exchanger gasket set.", Inventory, 56.00m, "Set", EquipmentDomain.Heating),
        new("HT-CND-TRP", "Condensate Trap Assembly", "Siphonic condensate trap.", Inventory, 24.90m, "Each", EquipmentDomain.Heating),
        new("HT-PCB-045", "Boiler Control Board", "Main control PCB, pre-programmed.", Inventory, 410.00m, "Each", EquipmentDomain.Heating),
        new("HT-INS-022", "Pipe Insulation 22mm", "Closed-cell pipe insulation, 2 m length.", NonInventory, 6.40m, "Each", EquipmentDomain.Heating),

        // Elevator parts.
        new("EL-DRS-100", "Elevator Door Roller Set", "Landing door hanger rollers, set of four.", Inventory, 88.00m, "Set", EquipmentDomain.Elevator),
        new("EL-DOB-010", "Door Operator Belt", "Toothed belt for car door operator.", Inventory, 64.00m, "Each", EquipmentDomain.Elevator),
        new("EL-RPE-010", "Hoist Rope 10mm", "8-strand steel hoist rope, sold by the metre.", Inventory, 18.50m, "m", EquipmentDomain.Elevator),
        new("EL-LDI-200", "Landing Door Interlock", "Electromechanical landing door lock.", Inventory, 142.00m, "Each", EquipmentDomain.Elevator),
        new("EL-LED-600", "Car Light LED Panel", "600 x 600 LED panel for car ceilings.", Inventory, 119.00m, "Each", EquipmentDomain.Elevator),
        new("EL-EPH-100", "Emergency Phone Module", "EN 81-28 compliant autodialler for elevator cars.", Inventory, 335.00m, "Each", EquipmentDomain.Elevator),
        new("EL-GSI-016", "Guide Shoe Insert", "Nylon guide shoe liner, 16 mm rail.", Inventory, 12.80m, "Each", EquipmentDomain.Elevator),

        // Services.
        new("SV-LAB-STD", "Standard Labour", "Technician labour, per hour.", Service, 85.00m, "Hour", null),
        new("SV-CALLOUT", "Emergency Call-out", "Out-of-hours or same-day emergency attendance.", Service, 150.00m, "Each", null),
        new("SV-REF-REC", "Refrigerant Recovery", "Recovery and certified disposal of refrigerant.", Service, 120.00m, "Each", EquipmentDomain.Hvac),
    ];

    public static readonly string[] Instructions =
    [
        "Report to reception and sign in. Visitor parking is at the rear loading bay.",
        "Hi-vis vest and safety boots required on site. A permit to work is needed for roof access; ask security.",
        "Keys to the plant room are held by the security desk. Call the site contact on arrival.",
        "Occupied office building: keep noise to a minimum before 10:00 and isolate only the affected zone.",
        "Customer asks for a written summary of work done before leaving site.",
        "Access via the service entrance on the side street. Lift motor room code is on the booking notes.",
        "Site has an asbestos register; check it at reception before drilling or lifting ceiling tiles.",
        "Bring the flue gas analyser; the previous visit could not complete combustion testing.",
    ];

    public static string[] ProblemDescriptions(EquipmentDomain domain, WorkKind kind) => (domain, kind) switch
    {
        (_, WorkKind.Installation) =>
        [
            "Install and commission replacement unit; remove and dispose of the old equipment.",
            "New installation as quoted. Customer requires commissioning certificate on completion.",
        ],
        (EquipmentDomain.Hvac, WorkKind.Maintenance) =>
        [
            "Quarterly planned preventive maintenance as per service contract.",
            "Filter change and coil cleaning ahead of the summer season.",
            "F-gas leak check and annual service.",
        ],
        (EquipmentDomain.Hvac, _) =>
        [
            "Unit not cooling; tenants report warm air from the vents.",
            "Unit trips the breaker on start-up.",
            "Loud rattling from the condenser fan.",
            "Water leaking from the indoor unit onto ceiling tiles.",
            "Server room temperature alarm at 29 C; split system running but not cooling.",
        ],
        (EquipmentDomain.Heating, WorkKind.Maintenance) =>
        [
            "Annual gas safety inspection and boiler service.",
            "Planned maintenance: combustion analysis, condensate trap clean, pressure check.",
        ],
        (EquipmentDomain.Heating, _) =>
        [
            "No heating or hot water; boiler shows ignition lockout fault.",
            "Boiler pressure drops below 0.5 bar overnight.",
            "Radiators on the second floor stay cold while the boiler runs.",
            "Hot water cylinder discharging through the tundish.",
        ],
        (EquipmentDomain.Elevator, WorkKind.Maintenance) =>
        [
            "Monthly elevator maintenance visit per service contract.",
            "Six-monthly thorough examination preparation (LOLER).",
        ],
        (EquipmentDomain.Elevator, _) =>
        [
            "Car stops about 3 cm below floor level at the ground floor.",
            "Doors reopen repeatedly on level 2.",
            "Emergency phone in the car has no dial tone.",
            "Passenger entrapment reported this morning; released by the fire service, lift out of service.",
        ],
        _ => ["General service visit."],
    };

    public static TaskSeed[] Tasks(EquipmentDomain domain, WorkKind kind) => (domain, kind) switch
    {
        (_, WorkKind.Installation) =>
        [
            new("Site survey and isolation", "Survey", 60, "Confirm access, isolate supplies, protect the work area."),
            new("Install unit", "Installation", 240, "Position, connect and secure the new equipment per the manufacturer's instructions."),
            new("Commission and test", "Commissioning", 90, "Commission, record readings and complete the commissioning certificate."),
            new("Customer handover", "Handover", 30, "Walk the customer through operation and leave documentation."),
        ],
        (EquipmentDomain.Hvac, WorkKind.Maintenance) =>
        [
            new("Replace air filters", "Maintenance", 30, "Replace all return and supply filters; note sizes used."),
            new("Clean condenser coils", "Maintenance", 45, "Clean coils with approved cleaner and rinse."),
            new("Check refrigerant pressures", "Inspection", 30, "Record suction and discharge pressures, superheat and subcooling."),
            new("Test safety controls", "Inspection", 20, "Test high/low pressure switches and condensate overflow cut-out."),
        ],
        (EquipmentDomain.Heating, WorkKind.Maintenance) =>
        [
            new("Combustion analysis", "Inspection", 30, "Record CO, CO2 and flue temperature; adjust if outside limits."),
            new("Clean condensate trap", "Maintenance", 20, "Remove, clean and refill the condensate trap."),
            new("Check system pressure and expansion vessel", "Inspection", 20, "Check cold fill pressure and vessel pre-charge."),
            new("Gas tightness test", "Inspection", 15, "Tightness test of the installation pipework."),
        ],
        (EquipmentDomain.Elevator, WorkKind.Maintenance) =>
        [
            new("Inspect ropes and sheaves", "Inspection", 40, "Check rope wear, tension and sheave grooves."),
            new("Lubricate guide rails", "Maintenance", 30, "Clean and lubricate rails and guide shoes."),
            new("Test door operation and safety edges", "Inspection", 25, "Check door timings, light curtain and reopen devices."),
            new("Test emergency alarm and lighting", "Inspection", 15, "Test the autodialler and emergency lighting."),
        ],
        _ =>
        [
            new("Diagnose fault", "Diagnosis", 45, "Reproduce the reported fault and identify the failed component."),
            new("Replace failed component", "Repair", 60, "Replace the failed part and record its serial number where fitted."),
            new("Test and verify operation", "Inspection", 20, "Run the equipment through a full cycle and confirm the fault is cleared."),
        ],
    };

    public static readonly (string Name, int Minutes)[] GeneralBookings =
    [
        ("Van service and MOT", 180),
        ("F-gas refresher training", 240),
        ("Stock collection at Reading depot", 90),
        ("Team safety briefing", 60),
        ("Ride-along with new starter", 240),
    ];
}
